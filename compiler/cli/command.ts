// What a rulec command is. Each command lives in its own `cmd-<name>.ts` file in this folder and
// exports `command`; main.ts finds them by that naming, so adding a command touches no other file.
import { parseArgs } from 'node:util';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface FlagSpec { type: 'boolean' | 'string'; short?: string; help: string; multiple?: boolean }

export interface Command {
  name: string;
  /** One line for `rulec --help`. */
  summary: string;
  /** Argument synopsis after the command name, e.g. "FILE...". */
  usage: string;
  flags: Record<string, FlagSpec>;
  run(args: { positionals: string[]; flags: Record<string, string | boolean | string[] | undefined> }, io: Io): Promise<number> | number;
}

/** Thrown for a bad command line; main prints the message as one line and exits 2. */
export class UsageError extends Error {}

export function helpText(cmd: Command): string {
  const lines = [`usage: rulec ${cmd.name} [options] ${cmd.usage}`.trimEnd(), '', cmd.summary, '', 'options:'];
  const all: Record<string, FlagSpec> = { ...cmd.flags, help: { type: 'boolean', short: 'h', help: 'show this help' } };
  for (const [name, f] of Object.entries(all)) {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${left.padEnd(24)} ${f.help}`);
  }
  return lines.join('\n');
}

export function parseCommandLine(cmd: Command, argv: string[]): { positionals: string[]; flags: Record<string, string | boolean | string[] | undefined>; help: boolean } {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(cmd.flags)) options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const help = values.help === true;
    delete values.help;
    return { positionals, flags: values as Record<string, string | boolean | string[] | undefined>, help };
  } catch (e) {
    // node's messages are one sentence plus advice; keep the first sentence and point at --help.
    const msg = (e as Error).message.split('. ')[0].replace(/\.$/, '');
    throw new UsageError(`rulec ${cmd.name}: ${msg} (see "rulec ${cmd.name} --help")`);
  }
}
