// The vigil command framework: a command is a name, a summary, its flags and a run function.
// Bad command lines become one UsageError line and exit status 2.
import { parseArgs } from 'node:util';

export interface Io { out(line: string): void; err(line: string): void }

export interface FlagSpec { type: 'boolean' | 'string'; short?: string; help: string; multiple?: boolean }

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Takes its argv as positionals untouched (it forwards them to another CLI). */
  raw?: boolean;
  run(args: { positionals: string[]; flags: Flags }, io: Io): Promise<number> | number;
}

export class UsageError extends Error {}

/** Flags every agent command shares: where the config is and overrides of it. */
export const CONFIG_FLAGS: Record<string, FlagSpec> = {
  config: { type: 'string', short: 'c', help: 'config file (YAML); defaults apply without one' },
  option: { type: 'string', short: 'o', multiple: true, help: 'override a config key: -o key.sub[0]=value (repeatable)' },
};

export function helpText(cmd: Command): string {
  const lines = [`usage: vigil ${cmd.name} [options] ${cmd.usage}`.trimEnd(), '', cmd.summary, '', 'options:'];
  const all: Record<string, FlagSpec> = { ...cmd.flags, help: { type: 'boolean', short: 'h', help: 'show this help' } };
  for (const [name, f] of Object.entries(all)) {
    const left = `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${left.padEnd(24)} ${f.help}`);
  }
  return lines.join('\n');
}

export function parseCommandLine(cmd: Command, argv: string[], maxPositionals = Infinity): { positionals: string[]; flags: Flags; help: boolean } {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, f] of Object.entries(cmd.flags)) options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message.split('. ')[0].replace(/\.$/, '');
    throw new UsageError(`vigil ${cmd.name}: ${msg} (see "vigil ${cmd.name} --help")`);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  delete values.help;
  if (!help && positionals.length > maxPositionals) throw new UsageError(`vigil ${cmd.name}: unexpected argument '${positionals[maxPositionals]}' (see "vigil ${cmd.name} --help")`);
  return { positionals, flags: values as Flags, help };
}
