// The vigil commands. run/replay/capture hand the event side to the pipeline registered for them;
// `rules` delegates to rulec's commands so both tools behave the same on rule files.
import { readFileSync } from 'node:fs';
import { CONFIG_FLAGS, helpText, UsageError, type Command, type Io } from './command.js';
import { configFromFlags, runAgent } from './agent.js';
import { pipelineFor, type PipelineKind } from './pipelines.js';
import { rootPath } from '../../compiler/root.js';
import { main as rulecMain } from '../../compiler/cli/main.js';

const asList = (v: string | boolean | string[] | undefined): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

function agentCommand(kind: PipelineKind, summary: string, usage: string, extra: Command['flags'] = {}, positionals = 0): Command {
  return {
    name: kind, summary, usage, flags: { ...CONFIG_FLAGS, ...extra },
    async run(args, io) {
      if (args.positionals.length !== positionals) throw new UsageError(`vigil ${kind}: expected ${usage || 'no arguments'} (see "vigil ${kind} --help")`);
      // A replay is a batch job: no health server unless asked for (user -o overrides come after).
      const implied = kind === 'replay' ? ['webserver.enabled=false', ...(args.flags.json ? ['json_output=true'] : [])] : [];
      const config = configFromFlags({ ...args.flags, option: [...implied, ...asList(args.flags.option)] });
      const factory = pipelineFor(kind);
      if (!factory) { io.err(`vigil ${kind}: no event pipeline is registered for '${kind}' in this build`); return 1; }
      return runAgent(config, factory, args.positionals, args.flags);
    },
  };
}

export const run = agentCommand('run', 'Watch this node live: kernel events -> rules -> alerts to the configured outputs', '');
export const replay = agentCommand('replay', 'Run the rules over a capture (.scap, gzip\'d or plain) or audit events (.json), deliver the alerts, then exit', 'FILE', {
  rules: { type: 'string', short: 'r', multiple: true, help: 'rule file or directory (repeatable); default: config rules_files, else the bundled rules/' },
  json: { type: 'boolean', help: 'print alerts as Falco JSON lines (same as -o json_output=true)' },
  follow: { type: 'boolean', short: 'f', help: 'audit .json: keep reading what is appended (tail -F, rotation-safe) until stopped' },
}, 1);
export const capture = agentCommand('capture', 'Record kernel events to a capture file for later replay', '', {
  write: { type: 'string', short: 'w', help: 'capture file to write' },
  duration: { type: 'string', help: 'stop after this many seconds' },
});

export const version: Command = {
  name: 'version', summary: 'Print the Vigil version', usage: '', flags: {},
  run(_args, io) {
    const pkg = JSON.parse(readFileSync(rootPath('package.json'), 'utf8')) as { version: string };
    io.out(`vigil ${pkg.version} (node ${process.versions.node})`);
    return 0;
  },
};

export const rules: Command = {
  name: 'rules', summary: 'Rule files: "rules list FILE..." or "rules validate FILE..." (same as rulec)', usage: 'list|validate [options] FILE...', flags: {}, raw: true,
  async run(args, io) {
    const sub = args.positionals[0];
    if (sub === '--help' || sub === '-h') { io.out(helpText(rules)); return 0; }
    if (sub !== 'list' && sub !== 'validate') throw new UsageError(`vigil rules: expected 'list' or 'validate', got ${sub ? `'${sub}'` : 'nothing'} (see "vigil rules --help")`);
    return rulecMain([sub, ...args.positionals.slice(1)], io);
  },
};

export const ALL: Command[] = [run, replay, capture, rules, version];
