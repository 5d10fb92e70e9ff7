import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AuditExtractPlan, decodeSlot } from '../../../runtime/sources/k8saudit/extract.js';
import { k8sAuditFields, auditEvent, type AuditEvent } from '../../../compiler/fields/k8saudit.js';
import type { FieldArg, FieldRef } from '../../../compiler/ir/types.js';
import type { FieldTable } from '../../../compiler/fields/types.js';

const pos = { line: 1, col: 1, offset: 0 };
const ref = (field: string, arg?: FieldArg): FieldRef => {
  const d = k8sAuditFields.fields.get(field)!;
  return { field, arg, type: d.type, multi: !!d.multi, span: { file: 't', start: pos, end: pos } };
};
const priv = auditEvent(JSON.parse(readFileSync(new URL('../../../../shared/falco/k8s_audit/create_nginx_pod_privileged.json', import.meta.url), 'utf8')));

test('each distinct field+argument is one slot, extracted once per event', () => {
  const calls = new Map<string, number>();
  const counting: FieldTable<AuditEvent> = {
    ...k8sAuditFields,
    extractors: new Map([...k8sAuditFields.extractors].map(([k, ex]) => [k, (e: AuditEvent, a: FieldArg | undefined) => { calls.set(k, (calls.get(k) ?? 0) + 1); return ex(e, a); }])),
  };
  const refs = [ref('ka.verb'), ref('ka.verb'), ref('jevt.value', { kind: 'key', value: '/stage' }), ref('jevt.value', { kind: 'key', value: '/verb' }),
    ref('ka.req.pod.containers.privileged'), ref('jevt.rawtime'), ref('ka.target.name')];
  const plan = new AuditExtractPlan(counting, refs);
  assert.equal(plan.slots.length, 6);
  assert.equal(plan.slotOf('jevt.value', { kind: 'key', value: '/verb' }), 2);
  assert.equal(plan.slotOf('ka.uri'), -1);
  const v = plan.extract(priv);
  assert.deepEqual(v, ['create', 'ResponseComplete', 'create', ['true'], 1540476552_581541000n, undefined]);
  assert.equal(calls.get('ka.verb'), 1);
  assert.equal(calls.get('jevt.value'), 2);
  const rec = plan.encode();
  assert.deepEqual(decodeSlot(rec, 0), ['create']);
  assert.deepEqual(decodeSlot(rec, 3), ['true']);
  assert.deepEqual(decodeSlot(rec, 4), [v[4]]);
  assert.equal(decodeSlot(rec, 5), undefined, '<NA> has offset 0');
  assert.throws(() => new AuditExtractPlan(k8sAuditFields, [{ ...ref('ka.verb'), field: 'proc.name' }]), /proc.name is not a k8s_audit field/);
});

test('encoded records decode to the extracted values (property)', () => {
  const val = fc.oneof(fc.string(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.uint8Array({ maxLength: 20 }));
  const slot = fc.oneof(fc.constant(undefined), val, fc.array(val, { maxLength: 4 }));
  fc.assert(fc.property(fc.array(slot, { minLength: 1, maxLength: 8 }), (vals) => {
    const refs = vals.map((_, i) => ref('jevt.value', { kind: 'key', value: `/${i}` }));
    const plan = new AuditExtractPlan(k8sAuditFields, refs);
    vals.forEach((v, i) => { plan.values[i] = v; });
    const rec = plan.encode();
    assert.equal(new DataView(rec.buffer, rec.byteOffset).getUint32(0, true), rec.length);
    vals.forEach((v, i) => {
      const want = v === undefined ? undefined : Array.isArray(v) ? v : [v];
      assert.deepEqual(decodeSlot(rec, i), want);
    });
  }), { numRuns: 200 });
});
