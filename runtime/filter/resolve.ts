// Output-field resolution for a matched event: the same extractors the reference interpreter uses,
// rendered as text the way Falco prints them. Both detectors build alerts through this.
import { fieldTable, lookupField } from '../../compiler/fields/index.js';
import type { Extractor, FieldValue } from '../../compiler/fields/types.js';
import type { FieldArg } from '../../compiler/ir/types.js';
import type { Resolve } from '../alerts/template.js';

const latin1 = new TextDecoder('latin1');

function text(v: FieldValue | FieldValue[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length ? v.map((x) => text(x)).join(',') : undefined;
  if (v instanceof Uint8Array) return latin1.decode(v);
  return String(v);
}

export interface FieldLookup { ex: Extractor<unknown>; arg: FieldArg | undefined; multi: boolean }

// Output templates name a fixed set of fields: the name -> extractor lookups (field table, dotted
// keys, argument parsing) are made once per source, field and argument, not per alert.
const lookups = new Map<string, Map<string, Map<string | undefined, FieldLookup | null>>>();

/** The extractor and parsed argument of an output field of `source`, or null when it has none. */
export function fieldLookup(source: string, field: string, arg: string | undefined): FieldLookup | null {
  let bySource = lookups.get(source);
  if (!bySource) lookups.set(source, (bySource = new Map()));
  let byArg = bySource.get(field);
  if (!byArg) bySource.set(field, (byArg = new Map()));
  let l = byArg.get(arg);
  if (l === undefined) byArg.set(arg, (l = findLookup(source, field, arg)));
  return l;
}

function findLookup(source: string, field: string, arg: string | undefined): FieldLookup | null {
  const table = fieldTable(source);
  const found = table && lookupField(table, field);
  const ex = found && table.extractors.get(found.def.name);
  if (!found || !ex) return null;
  const key = found.dotKey ?? arg;
  return {
    ex: ex as Extractor<unknown>, multi: !!found.def.multi,
    arg: key === undefined ? undefined : /^\d+$/.test(key) && found.def.arg?.kind !== 'key' ? { kind: 'index', value: Number(key) } : { kind: 'key', value: key },
  };
}

/** Output-string resolution over a source's field table, for one event. */
export function resolverFor(source: string, ev: unknown): Resolve {
  return (field, arg) => {
    const l = fieldLookup(source, field, arg);
    return l ? text(l.ex(ev, l.arg)) : undefined;
  };
}
