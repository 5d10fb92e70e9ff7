// Output-field resolution for a matched event: the same extractors the reference interpreter uses,
// rendered as text the way Falco prints them. Both detectors build alerts through this.
import { fieldTable, lookupField } from '../../compiler/fields/index.js';
import type { FieldValue } from '../../compiler/fields/types.js';
import type { Resolve } from '../alerts/template.js';

const latin1 = new TextDecoder('latin1');

function text(v: FieldValue | FieldValue[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length ? v.map((x) => text(x)).join(',') : undefined;
  if (v instanceof Uint8Array) return latin1.decode(v);
  return String(v);
}

/** Output-string resolution over a source's field table, for one event. */
export function resolverFor(source: string, ev: unknown): Resolve {
  const table = fieldTable(source);
  return (field, arg) => {
    if (!table) return undefined;
    const found = lookupField(table, field);
    const ex = found && table.extractors.get(found.def.name);
    if (!found || !ex) return undefined;
    const key = found.dotKey ?? arg;
    const a = key === undefined ? undefined : /^\d+$/.test(key) && found.def.arg?.kind !== 'key' ? { kind: 'index' as const, value: Number(key) } : { kind: 'key' as const, value: key };
    return text(ex(ev, a));
  };
}
