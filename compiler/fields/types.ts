// The field table's shape. Each event source (syscall, k8s_audit) has its own table of fields and
// extractors; the checker and the back end only see FieldDef, the interpreter and the alert
// formatter also call the extractors.
import type { FieldArg, FieldType } from '../ir/types.js';

export type FieldValue = string | bigint | boolean | Uint8Array;

export interface FieldDef {
  name: string;
  type: FieldType;
  /** The field can yield several values for one event. */
  multi?: boolean;
  /** Whether the field takes an argument, and which kind (`[2]` index, `[HOME]` or `.flags` key). */
  arg?: { required: boolean; kind: 'index' | 'key' | 'any' };
  desc: string;
  /** A multi field that yields one value when given an index (`proc.aname` is every ancestor, `proc.aname[2]` one). */
  argMakesSingle?: boolean;
}

/** Pulls a field's value(s) out of an event of the source; undefined when the event has none (shown as <NA>). */
export type Extractor<E> = (ev: E, arg: FieldArg | undefined) => FieldValue | FieldValue[] | undefined;

export interface FieldTable<E> {
  source: string;
  fields: Map<string, FieldDef>;
  extractors: Map<string, Extractor<E>>;
}
