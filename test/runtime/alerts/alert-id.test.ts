import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { alertId } from '../../../runtime/alerts/alert.js';

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('alert ids are version-4 UUIDs, distinct within a process', () => {
  const ids = Array.from({ length: 10_000 }, alertId);
  for (const id of ids.slice(0, 50)) assert.match(id, UUID4);
  assert.equal(new Set(ids).size, ids.length);
});

test('alert ids differ between agent processes', () => {
  // Each process draws its own random part; two runs must not reissue the same ids (spool dedupe).
  const script = "import('./runtime/alerts/alert.ts').then((m) => console.log(m.alertId()))";
  const run = () => execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: new URL('../../../', import.meta.url).pathname, encoding: 'utf8' }).trim();
  const a = run(), b = run();
  assert.match(a, UUID4);
  assert.notEqual(a.slice(0, 23), b.slice(0, 23));
});
