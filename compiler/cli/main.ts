// rulec entry point: picks the command, parses its flags, runs it. Exit codes: 0 ok, 1 the input
// has errors, 2 bad command line.
import { helpText, parseCommandLine, UsageError, type Command, type Io } from './command.js';
import { command as compile } from './cmd-compile.js';
import { command as fields } from './cmd-fields.js';
import { command as list } from './cmd-list.js';
import { command as validate } from './cmd-validate.js';

const COMMANDS: Command[] = [compile, fields, list, validate];

function topHelp(cmds: Command[]): string {
  const width = Math.max(...cmds.map((c) => c.name.length), 4);
  return [
    'usage: rulec COMMAND [options] ARGS',
    '',
    'Vigil rule compiler: loads Falco-language rule files, checks them, builds the rule set.',
    '',
    'commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "rulec COMMAND --help" for a command\'s options.',
    'Exit status: 0 no errors, 1 the rules have errors, 2 bad command line.',
  ].join('\n');
}

const stdio: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const cmds = COMMANDS;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' && rest[0] ? cmds.find((c) => c.name === rest[0]) : undefined;
    const text = target ? helpText(target) : topHelp(cmds);
    if (name === undefined) { io.err(text); return 2; }
    io.out(text);
    return 0;
  }
  const cmd = cmds.find((c) => c.name === name);
  if (!cmd) {
    io.err(`rulec: unknown command "${name}" (commands: ${cmds.map((c) => c.name).join(', ')}; see "rulec --help")`);
    return 2;
  }
  try {
    const args = parseCommandLine(cmd, rest);
    if (args.help) { io.out(helpText(cmd)); return 0; }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) { io.err(e.message); return 2; }
    throw e;
  }
}
