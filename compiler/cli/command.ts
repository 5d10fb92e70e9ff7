// What a command is, for both CLIs (rulec, and vigil which wraps this with its own name). Each
// rulec command lives in its own `cmd-<name>.ts` file in this folder and exports `command`;
// main.ts finds them by that naming, so adding a command touches no other file.
import { parseArgs } from 'node:util';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface FlagSpec { type: 'boolean' | 'string'; short?: string; help: string; multiple?: boolean }

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  /** One line for `rulec --help`. */
  summary: string;
  /** Argument synopsis after the command name, e.g. "FILE...". */
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Takes its argv as positionals untouched (it forwards them to another CLI). */
  raw?: boolean;
  run(args: { positionals: string[]; flags: Flags }, io: Io): Promise<number> | number;
}

/** Thrown for a bad command line; main prints the message as one line and exits 2. */
export class UsageError extends Error {}

export function helpText(cmd: Command, prog = 'rulec'): string {
  const lines = [`usage: ${prog} ${cmd.name} [options] ${cmd.usage}`.trimEnd(), '', cmd.summary, '', 'options:'];
  const all: Record<string, FlagSpec> = { ...cmd.flags, help: { type: 'boolean', short: 'h', help: 'show this help' } };
  for (const [name, f] of Object.entries(all)) {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${left.padEnd(24)} ${f.help}`);
  }
  return lines.join('\n');
}

export function parseCommandLine(cmd: Command, argv: string[], prog = 'rulec', maxPositionals = Infinity): { positionals: string[]; flags: Flags; help: boolean } {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(cmd.flags)) options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    // node's messages are one sentence plus advice; keep the first sentence and point at --help.
    const msg = (e as Error).message.split('. ')[0].replace(/\.$/, '');
    throw new UsageError(`${prog} ${cmd.name}: ${msg} (see "${prog} ${cmd.name} --help")`);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  delete values.help;
  if (!help && positionals.length > maxPositionals) throw new UsageError(`${prog} ${cmd.name}: unexpected argument '${positionals[maxPositionals]}' (see "${prog} ${cmd.name} --help")`);
  return { positionals, flags: values as Flags, help };
}
