// Builds the interpreter's field getter from a field table and one event of its source.
import type { FieldRef } from '../ir/types.js';
import type { FieldTable, FieldValue } from '../fields/types.js';
import type { Getter } from './evaluate.js';

export function getterFor<E>(table: FieldTable<E>, ev: E): Getter {
  return (ref: FieldRef): FieldValue | FieldValue[] | undefined => {
    const ex = table.extractors.get(ref.field);
    if (!ex) throw new Error(`no extractor for field ${ref.field} in source ${table.source}`);
    return ex(ev, ref.arg);
  };
}
