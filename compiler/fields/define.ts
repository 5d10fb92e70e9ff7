// A small builder for field tables, so each field class file reads as a list of definitions.
import type { FieldType } from '../ir/types.js';
import type { Extractor, FieldDef, FieldTable } from './types.js';

export interface FieldOpts { multi?: boolean; arg?: FieldDef['arg']; argMakesSingle?: boolean }

export class TableBuilder<E> {
  readonly fields = new Map<string, FieldDef>();
  readonly extractors = new Map<string, Extractor<E>>();

  def(name: string, type: FieldType, desc: string, ex: Extractor<E>, o: FieldOpts = {}): this {
    if (this.fields.has(name)) throw new Error(`field ${name} defined twice`);
    this.fields.set(name, { name, type, desc, ...(o.multi ? { multi: true } : {}), ...(o.arg ? { arg: o.arg } : {}), ...(o.argMakesSingle ? { argMakesSingle: true } : {}) });
    this.extractors.set(name, ex);
    return this;
  }

  table(source: string): FieldTable<E> {
    return { source, fields: this.fields, extractors: this.extractors };
  }
}

/** A number from the event model as a field integer (ints are bigint everywhere downstream). */
export const int = (n: number | bigint | undefined | null): bigint | undefined =>
  n === undefined || n === null || (typeof n === 'number' && !Number.isFinite(n)) ? undefined : BigInt(n);
