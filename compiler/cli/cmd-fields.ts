// rulec fields [--source S]: the fields rule conditions and outputs may use, per event source,
// straight from the field tables the checker uses.
import { fieldTable, sources } from '../fields/index.js';
import type { FieldDef } from '../fields/types.js';
import { UsageError, type Command } from './command.js';

function argText(d: FieldDef): string {
  if (!d.arg) return '';
  const shape = d.arg.kind === 'index' ? '[N]' : d.arg.kind === 'key' ? '[KEY]' : '[N|KEY]';
  return d.arg.required ? shape : `(${shape})`;
}

export const command: Command = {
  name: 'fields',
  summary: 'list the fields of each event source (name, type, argument, description)',
  usage: '',
  flags: {
    source: { type: 'string', help: 'only this event source (syscall, k8s_audit...)' },
    json: { type: 'boolean', help: 'print a JSON object {source: [field...]} instead of text' },
  },
  run({ positionals, flags }, io) {
    if (positionals.length > 0) throw new UsageError(`rulec fields: unexpected argument "${positionals[0]}" (see "rulec fields --help")`);
    const all = sources();
    const wanted = typeof flags.source === 'string' ? [flags.source] : all;
    for (const s of wanted) {
      if (!fieldTable(s)) throw new UsageError(`rulec fields: unknown source "${s}" (sources: ${all.join(', ')})`);
    }
    const tables = wanted.map((s) => ({ source: s, fields: [...fieldTable(s)!.fields.values()] }));
    if (flags.json) {
      io.out(JSON.stringify(Object.fromEntries(tables.map((t) => [t.source, t.fields])), null, 2));
      return 0;
    }
    for (const t of tables) {
      io.out(`# ${t.source} (${t.fields.length} fields)`);
      const width = Math.max(...t.fields.map((f) => f.name.length + argText(f).length));
      for (const f of t.fields) {
        io.out(`${(f.name + argText(f)).padEnd(width)}  ${(f.type + (f.multi ? '[]' : '')).padEnd(9)}  ${f.desc}`);
      }
    }
    return 0;
  },
};
