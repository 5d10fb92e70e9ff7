// rulec list FILE...: the rules the files define after all amendments, with priority, tags and
// the event types each can match (from the built rule set).
import { compileFrontEnd } from '../frontend.js';
import { UsageError, type Command } from './command.js';
import { diagnosticLine } from './report.js';

export const command: Command = {
  name: 'list',
  summary: 'list the rules of rule files with priority, source, tags and event types',
  usage: 'FILE...',
  flags: {
    json: { type: 'boolean', help: 'print a JSON array instead of text' },
    source: { type: 'string', help: 'only rules of this event source' },
  },
  run({ positionals, flags }, io) {
    if (positionals.length === 0) throw new UsageError('rulec list: no rule files given (see "rulec list --help")');
    const source = typeof flags.source === 'string' ? flags.source : undefined;
    const res = compileFrontEnd(positionals, source !== undefined ? { source } : {});
    const built = new Map(res.ruleset.rules.map((r) => [r.name, r]));
    const rows = res.load.rules
      .filter((r) => source === undefined || r.source === source)
      .map((r) => ({
        name: r.name,
        priority: r.priority,
        source: r.source,
        enabled: r.enabled,
        tags: r.tags,
        // undefined: the rule set has no entry for the rule (it did not compile, or nothing builds IR yet)
        eventTypes: built.has(r.name) ? built.get(r.name)!.eventTypes : undefined,
        file: r.span.file,
        line: r.span.start.line,
      }));
    for (const d of res.diagnostics) if (d.severity === 'error') io.err(diagnosticLine(d));
    if (flags.json) {
      io.out(JSON.stringify(rows.map((r) => ({ ...r, eventTypes: r.eventTypes === undefined ? null : r.eventTypes ?? 'all' })), null, 2));
    } else {
      for (const r of rows) {
        const ev = r.eventTypes === undefined ? '?' : r.eventTypes === null ? 'all' : r.eventTypes.join(',');
        io.out([r.name, r.priority, r.source, r.enabled ? 'enabled' : 'disabled', `tags=${r.tags.join(',')}`, `evttypes=${ev}`].join('\t'));
      }
      io.out(`${rows.length} rules`);
    }
    return res.stats.errors === 0 ? 0 : 1;
  },
};
