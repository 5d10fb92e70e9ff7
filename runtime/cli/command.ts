// The vigil command framework: rulec's (compiler/cli/command.ts) under vigil's name, plus the flags
// every agent command shares. Bad command lines become one UsageError line and exit status 2.
import { helpText as baseHelp, parseCommandLine as baseParse, type Command, type FlagSpec, type Flags } from '../../compiler/cli/command.js';

export { UsageError, type Io, type FlagSpec, type Flags, type Command } from '../../compiler/cli/command.js';

/** Flags every agent command shares: where the config is and overrides of it. */
export const CONFIG_FLAGS: Record<string, FlagSpec> = {
  config: { type: 'string', short: 'c', help: 'config file (YAML); defaults apply without one' },
  option: { type: 'string', short: 'o', multiple: true, help: 'override a config key: -o key.sub[0]=value (repeatable)' },
};

export const helpText = (cmd: Command): string => baseHelp(cmd, 'vigil');

export const parseCommandLine = (cmd: Command, argv: string[], maxPositionals = Infinity): { positionals: string[]; flags: Flags; help: boolean } =>
  baseParse(cmd, argv, 'vigil', maxPositionals);
