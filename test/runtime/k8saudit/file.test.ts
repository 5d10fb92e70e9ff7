import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuditFile, AuditFileFollower, formatLineError, type LineError } from '../../../runtime/sources/k8saudit/file.js';
import type { AuditEvent } from '../../../compiler/fields/k8saudit.js';

const shared = new URL('../../../../shared/falco/k8s_audit/', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'vigil-k8saudit-file-'));
const ids = (evs: AuditEvent[]) => evs.map((e) => e.json.auditID);

test('reads every shared capture: single objects and JSON lines', () => {
  const errors: LineError[] = [];
  let n = 0;
  for (const f of readdirSync(shared)) {
    const evs = readAuditFile(join(shared, f), (e) => errors.push(e));
    assert.ok(evs.length >= 1, f);
    n += evs.length;
  }
  assert.deepEqual(errors, []);
  assert.equal(n, 11, '5 single-event files and 6 configmap lines');
});

test('EventList, pretty-printed documents, lists, and bad lines with file:line', () => {
  const d = tmp();
  try {
    const ev = (id: string) => ({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: id, stage: 'ResponseComplete' });
    writeFileSync(join(d, 'list.json'), JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [ev('a'), ev('b')] }, null, 2));
    writeFileSync(join(d, 'arr.json'), JSON.stringify([ev('c'), ev('d')]));
    writeFileSync(join(d, 'lines.json'), [JSON.stringify(ev('e')), '', '{not json', JSON.stringify({ kind: 'Pod' }), JSON.stringify(ev('f'))].join('\n') + '\n');
    const errors: LineError[] = [];
    assert.deepEqual(ids(readAuditFile(join(d, 'list.json'), (e) => errors.push(e))), ['a', 'b']);
    assert.deepEqual(ids(readAuditFile(join(d, 'arr.json'), (e) => errors.push(e))), ['c', 'd']);
    assert.deepEqual(ids(readAuditFile(join(d, 'lines.json'), (e) => errors.push(e))), ['e', 'f']);
    assert.deepEqual(errors.map((e) => [e.line, e.message.slice(0, 16)]), [[3, 'malformed JSON: '], [4, 'unsupported kind']]);
    assert.match(formatLineError(errors[0]), /lines\.json:3: malformed JSON/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

test('follow: appended lines, a line split across writes, truncation and rotation by rename', async () => {
  const d = tmp();
  const log = join(d, 'audit.log');
  const line = (id: string) => JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: id }) + '\n';
  writeFileSync(log, line('old'));
  const got: string[] = [];
  const errors: LineError[] = [];
  const f = new AuditFileFollower(log, (evs) => got.push(...(ids(evs) as string[])), { pollMs: 10_000, onError: (e) => errors.push(e) });
  try {
    await f.start();
    assert.deepEqual(got, [], 'starts at the end by default');
    appendFileSync(log, line('1') + line('2'));
    await f.poll();
    assert.deepEqual(got, ['1', '2']);
    const l3 = line('3');
    appendFileSync(log, l3.slice(0, 10));
    await f.poll();
    assert.deepEqual(got, ['1', '2'], 'half a line waits for the rest');
    appendFileSync(log, l3.slice(10) + 'garbage\n');
    await f.poll();
    assert.deepEqual(got, ['1', '2', '3']);
    assert.equal(errors.length, 1);
    truncateSync(log, 0);
    appendFileSync(log, line('4'));
    await f.poll();
    assert.deepEqual(got.slice(3), ['4'], 'truncated file read again from the start');
    appendFileSync(log, line('5'));
    renameSync(log, log + '.1');
    writeFileSync(log, line('6'));
    await f.poll();
    assert.deepEqual(got.slice(4), ['5', '6'], 'rest of the rotated file, then the new file from its start');
    rmSync(log);
    await f.poll();
    writeFileSync(log, line('7'));
    await f.poll();
    assert.deepEqual(got.slice(6), ['7'], 'a file recreated after deletion is picked up');
    assert.equal(readFileSync(log + '.1', 'utf8').split('\n').length, 3);
  } finally {
    await f.stop();
    rmSync(d, { recursive: true, force: true });
  }
});

test('follow from the start reads what is already there', async () => {
  const d = tmp();
  const log = join(d, 'a.log');
  writeFileSync(log, readFileSync(join(shared, 'create_configmap_sensitive_values.json')));
  const got: AuditEvent[] = [];
  const f = new AuditFileFollower(log, (evs) => got.push(...evs), { fromStart: true, pollMs: 10_000 });
  try {
    await f.start();
    assert.equal(got.length, 6);
  } finally { await f.stop(); rmSync(d, { recursive: true, force: true }); }
});
