// Boots the real Debian kernel under QEMU with the module built from kmod/ and checks what the
// guest driver (test/kmod/guest/main.ts) found. Setup problems (apt, download, build) fail the
// test with the harness's message; nothing here is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../..', import.meta.url).pathname;

test('kernel module in a QEMU guest: scenarios, drop accounting, overfilled ring, interest changes while capturing, unload with readers blocked in read/poll', { timeout: 300_000 }, () => {
  const r = spawnSync('sh', [`${root}test/kmod/run.sh`, 'test'], { encoding: 'utf8', cwd: root, env: { ...process.env, VIGIL_ONLY: '' } });
  assert.equal(r.status, 0, `harness failed (status ${r.status}):\n${r.stderr.slice(-4000)}`);
  const res = JSON.parse(readFileSync(`${root}test/kmod/.work/out/results.json`, 'utf8'));
  const scenarios = res.scenarios as { name: string; ok: boolean; error?: string }[];
  assert.ok(scenarios.length >= 11, `only ${scenarios.length} scenarios ran`);
  for (const s of scenarios) assert.ok(s.ok, `scenario "${s.name}" failed:\n${s.error}`);
  const { drops, unload, overfill, interest, blocked } = res.stress;
  assert.ok(drops.ok, `drop accounting failed:\n${drops.error}`);
  assert.equal(drops.delivered + drops.dropped, drops.produced);
  assert.ok(drops.dropped > 0 && drops.delivered > 0);
  assert.ok(overfill.ok, `overfilled ring failed:\n${overfill.error}`);
  assert.equal(overfill.kept + overfill.dropped + 1, overfill.produced);
  assert.equal(overfill.headerDrops, overfill.dropped);
  assert.ok(interest.ok, `interest changes while capturing failed:\n${interest.error}`);
  assert.ok(interest.changes >= 8 && interest.drops === 0);
  assert.ok(blocked.ok, `many wanted calls asleep at once failed:\n${blocked.error}`);
  assert.equal(blocked.readRecords, blocked.blockedTogether);
  assert.ok(unload.ok, `unload cycles failed:\n${unload.error}`);
  assert.equal(unload.refusedWhileOpen, unload.cycles);
  assert.ok(unload.blockedInPoll >= 1, 'a reader blocked in poll() was part of the unload cycles');
});
