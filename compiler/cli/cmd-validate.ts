// rulec validate FILE...: load and check rule files, print diagnostics and a per-file summary.
import { compileFrontEnd } from '../frontend.js';
import { UsageError, type Command } from './command.js';
import { diagnosticJson, diagnosticLine, summaryLines } from './report.js';

export const command: Command = {
  name: 'validate',
  summary: 'check rule files (in load order) and report every problem with file:line:col',
  usage: 'FILE...',
  flags: {
    json: { type: 'boolean', help: 'print one JSON object instead of text' },
    source: { type: 'string', help: 'only check rules of this event source (syscall, k8s_audit...)' },
  },
  run({ positionals, flags }, io) {
    if (positionals.length === 0) throw new UsageError('rulec validate: no rule files given (see "rulec validate --help")');
    const source = typeof flags.source === 'string' ? flags.source : undefined;
    const res = compileFrontEnd(positionals, source !== undefined ? { source } : {});
    const ok = res.stats.errors === 0;
    if (flags.json) {
      io.out(JSON.stringify({
        ok,
        files: res.stats.files,
        errors: res.stats.errors,
        warnings: res.stats.warnings,
        infos: res.stats.infos,
        diagnostics: res.diagnostics.map(diagnosticJson),
      }, null, 2));
    } else {
      for (const d of res.diagnostics) io.out(diagnosticLine(d));
      for (const l of summaryLines(res.stats)) io.out(l);
    }
    return ok ? 0 : 1;
  },
};
