// vigil entry point. Exit codes: 0 ok, 1 runtime failure, 2 bad command line or config (always a
// single line on stderr, never a stack trace).
import { ConfigError } from '../config/load.js';
import { helpText, parseCommandLine, UsageError, type Io } from './command.js';
import { ALL, replay, run } from './commands.js';
import { registerPipeline } from './pipelines.js';
import { startReplay } from '../pipeline/replay.js';
import { replayDispatcher } from '../pipeline/audit.js';
import { runPipeline } from '../pipeline/run.js';
import { capturePipeline } from '../pipeline/capture.js';

registerPipeline('replay', replayDispatcher((ctx) => startReplay(ctx)));
// The scap replay's own option, declared where its pipeline is plugged in.
replay.flags.engine = { type: 'string', help: 'rule engine for .scap and .vcap captures: wasm (the compiled filter, default) or interp (the reference interpreter)' };
// The live agent: /dev/vigil and/or the audit webhook (runtime/pipeline/run.ts), with its options.
registerPipeline('run', runPipeline);
run.flags.rules = { type: 'string', short: 'r', multiple: true, help: 'rule file or directory (repeatable); default: config rules_files, else the bundled rules/' };
run.flags.engine = { type: 'string', help: 'rule engine for kernel events: wasm (the compiled filter) or interp (the reference interpreter); default: config syscall.engine' };
// `vigil capture`: the device's records into a .vcap file (runtime/pipeline/capture.ts).
registerPipeline('capture', capturePipeline);

const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

function topHelp(): string {
  const w = Math.max(...ALL.map((c) => c.name.length));
  return [
    'usage: vigil COMMAND [options]',
    '',
    'Vigil: runtime security monitor. Kernel events are checked against Falco-language rules and',
    'matching events become alerts sent to stdout, files, programs, webhooks, Slack or syslog.',
    '',
    'commands:',
    ...ALL.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Run "vigil COMMAND --help" for a command\'s options; configuration keys: runtime/config/README.md.',
  ].join('\n');
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) { io.err(topHelp()); return 2; }
  if (name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? ALL.find((c) => c.name === rest[0]) : undefined;
    io.out(target ? helpText(target) : topHelp());
    return 0;
  }
  if (name === '--version') return ALL.find((c) => c.name === 'version')!.run({ positionals: [], flags: {} }, io);
  const cmd = ALL.find((c) => c.name === name);
  if (!cmd) { io.err(`vigil: unknown command "${name}" (commands: ${ALL.map((c) => c.name).join(', ')}; see "vigil --help")`); return 2; }
  try {
    if (cmd.raw) return await cmd.run({ positionals: rest, flags: {} }, io);
    const args = parseCommandLine(cmd, rest);
    if (args.help) { io.out(helpText(cmd)); return 0; }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) { io.err(e.message); return 2; }
    // A system call that failed (a path, a port, a permission) is the environment, not a bug: one line.
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) { io.err(`vigil ${name}: ${(e as Error).message}`); return 1; }
    throw e;
  }
}
