// rulec compile FILE... -o DIR: rule files -> rules.wasm + rules.json (the filter bundle the agent
// loads). --emit-as prints the generated AssemblyScript instead of building.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFrontEnd } from '../frontend.js';
import { compileBackend } from '../backend/index.js';
import { UsageError, type Command } from './command.js';
import { diagnosticLine } from './report.js';

export const command: Command = {
  name: 'compile',
  summary: 'compile syscall rules to a WASM filter bundle (rules.wasm + rules.json)',
  usage: 'FILE... -o DIR',
  flags: {
    out: { type: 'string', short: 'o', help: 'directory to write rules.wasm and rules.json to' },
    'emit-as': { type: 'boolean', help: 'print the generated AssemblyScript and stop' },
    'skip-unsupported': { type: 'boolean', help: 'leave out rules the WASM back end cannot compile yet (warning each) instead of failing' },
  },
  async run({ positionals, flags }, io) {
    if (positionals.length === 0) throw new UsageError('rulec compile: no rule files given (see "rulec compile --help")');
    const emitAs = flags['emit-as'] === true;
    const out = typeof flags.out === 'string' ? flags.out : undefined;
    if (!emitAs && !out) throw new UsageError('rulec compile: -o DIR is required (or --emit-as)');
    const fe = compileFrontEnd(positionals, { source: 'syscall' });
    for (const d of fe.diagnostics) io.err(diagnosticLine(d));
    if (fe.stats.errors > 0) return 1;
    const be = await compileBackend(fe.ruleset, { skipUnsupported: flags['skip-unsupported'] === true, build: !emitAs });
    for (const d of be.diagnostics) io.err(diagnosticLine(d));
    if (emitAs) { io.out(be.asSource); return be.diagnostics.some((d) => d.severity === 'error') ? 1 : 0; }
    if (!be.wasm) return 1;
    mkdirSync(out!, { recursive: true });
    writeFileSync(join(out!, 'rules.wasm'), be.wasm);
    writeFileSync(join(out!, 'rules.json'), `${JSON.stringify(be.manifest, null, 2)}\n`);
    const n = be.manifest.rules.filter((r) => r.compiled).length;
    io.err(`rulec: ${n}/${be.manifest.rules.length} rules compiled, ${be.wasm.length} bytes -> ${join(out!, 'rules.wasm')}`);
    return 0;
  },
};
