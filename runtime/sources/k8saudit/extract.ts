// Per-event field extraction for the k8s_audit filter. The rules of a rule set read a fixed set of
// fields (IrRuleSet.fieldsUsed for source k8s_audit); the plan gives each distinct field+argument a
// slot, and for every event each slot is extracted exactly once, however many rules read it. Two
// forms of the result: `values` (a reused JS array, for the interpreter and the formatter) and
// `encode()` (a reused byte buffer with the layout in README.md, for the WASM filter).
import type { FieldArg, FieldRef } from '../../../compiler/ir/types.js';
import type { Extractor, FieldTable, FieldValue } from '../../../compiler/fields/types.js';
import type { AuditEvent } from '../../../compiler/fields/k8saudit.js';

export type SlotValue = FieldValue | FieldValue[] | undefined;

export function slotKey(field: string, arg?: FieldArg): string {
  return arg === undefined ? field : `${field}[${arg.kind === 'index' ? arg.value : arg.value}]`;
}

interface Slot { key: string; ref: FieldRef; ex: Extractor<AuditEvent> }

export class AuditExtractPlan {
  readonly slots: Slot[] = [];
  private readonly byKey = new Map<string, number>();
  /** Slot values of the last event extracted; overwritten by the next one. */
  readonly values: SlotValue[];
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private readonly enc = new TextEncoder();

  constructor(table: FieldTable<AuditEvent>, refs: FieldRef[]) {
    for (const ref of refs) {
      const key = slotKey(ref.field, ref.arg);
      if (this.byKey.has(key)) continue;
      const ex = table.extractors.get(ref.field);
      if (!ex) throw new Error(`field ${ref.field} is not a ${table.source} field`);
      this.byKey.set(key, this.slots.length);
      this.slots.push({ key, ref, ex });
    }
    this.values = new Array(this.slots.length).fill(undefined);
  }

  /** Slot of a field+argument, or -1 when no rule reads it. */
  slotOf(field: string, arg?: FieldArg): number {
    return this.byKey.get(slotKey(field, arg)) ?? -1;
  }

  extract(ev: AuditEvent): SlotValue[] {
    const s = this.slots;
    for (let i = 0; i < s.length; i++) this.values[i] = s[i].ex(ev, s[i].ref.arg);
    return this.values;
  }

  /** The last extracted values as one record (layout in README.md); valid until the next call. */
  encode(): Uint8Array {
    const n = this.slots.length;
    let pos = 6 + 4 * n;
    this.ensure(pos);
    this.view.setUint16(4, n, true);
    for (let i = 0; i < n; i++) {
      const v = this.values[i];
      if (v === undefined) { this.view.setUint32(6 + 4 * i, 0, true); continue; }
      this.view.setUint32(6 + 4 * i, pos, true);
      const list = Array.isArray(v) ? v : [v];
      this.ensure(pos + 2);
      this.view.setUint16(pos, list.length, true);
      pos += 2;
      for (const x of list) pos = this.put(pos, x);
    }
    this.view.setUint32(0, pos, true);
    return this.buf.subarray(0, pos);
  }

  private put(pos: number, x: FieldValue): number {
    if (typeof x === 'bigint') {
      this.ensure(pos + 9);
      this.buf[pos] = 1;
      this.view.setBigInt64(pos + 1, x, true);
      return pos + 9;
    }
    if (typeof x === 'boolean') x = x ? 'true' : 'false';
    if (typeof x === 'string') {
      // UTF-8 is at most 3 bytes per UTF-16 unit.
      this.ensure(pos + 5 + x.length * 3);
      const { written } = this.enc.encodeInto(x, this.buf.subarray(pos + 5));
      this.buf[pos] = 0;
      this.view.setUint32(pos + 1, written, true);
      return pos + 5 + written;
    }
    this.ensure(pos + 5 + x.length);
    this.buf[pos] = 2;
    this.view.setUint32(pos + 1, x.length, true);
    this.buf.set(x, pos + 5);
    return pos + 5 + x.length;
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < size) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf);
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }
}

/** Reads one slot of an encoded record back (for tests and for debugging a WASM filter). */
export function decodeSlot(rec: Uint8Array, slot: number): SlotValue {
  const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const n = view.getUint16(4, true);
  if (slot < 0 || slot >= n) throw new RangeError(`slot ${slot} out of range 0..${n - 1}`);
  let pos = view.getUint32(6 + 4 * slot, true);
  if (pos === 0) return undefined;
  const count = view.getUint16(pos, true);
  pos += 2;
  const out: FieldValue[] = [];
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    const tag = rec[pos];
    if (tag === 1) { out.push(view.getBigInt64(pos + 1, true)); pos += 9; continue; }
    const len = view.getUint32(pos + 1, true);
    const bytes = rec.subarray(pos + 5, pos + 5 + len);
    out.push(tag === 0 ? dec.decode(bytes) : bytes.slice());
    pos += 5 + len;
  }
  return out;
}
