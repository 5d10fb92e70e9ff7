// `vigil run` live in a QEMU guest on the real module (test/kmod/guest/agent.ts does the work
// inside). Runs the kmod harness in its `agent` mode with its own work directory, so its results
// never mix with the kmod test's; the kernel image the kmod harness fetched is shared, not fetched again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';

// Both harness runs build the module in kmod/ itself (make clean first) and each boots a QEMU: two
// at once would break each other's build and share two cores. The runner may start this file next
// to test/kmod/guest.test.ts, which launches its harness at once; so look a little later, and wait
// while any kmod harness is running.
function waitForIdleHarness(maxMs = 280_000): void {
  const end = Date.now() + maxMs;
  spawnSync('sleep', ['3']);
  while (spawnSync('pgrep', ['-f', 'test/kmod/run.sh']).status === 0) {
    if (Date.now() > end) throw new Error('another kmod harness run is still going; not starting a second one beside it');
    spawnSync('sleep', ['2']);
  }
}

const root = new URL('../..', import.meta.url).pathname;
const kmodWork = `${root}test/kmod/.work`;
const work = `${kmodWork}/agent`;

test('vigil run in a QEMU guest: the bundled rules alert on real attacks, benign actions stay quiet', { timeout: 600_000 }, () => {
  waitForIdleHarness();
  mkdirSync(work, { recursive: true });
  if (existsSync(kmodWork)) {
    for (const k of readdirSync(kmodWork).filter((d) => d.startsWith('kernel-'))) if (!existsSync(`${work}/${k}`)) symlinkSync(`../${k}`, `${work}/${k}`);
  }
  const r = spawnSync('sh', [`${root}test/kmod/run.sh`, 'agent'], {
    encoding: 'utf8', cwd: root, env: { ...process.env, VIGIL_KMOD_WORK: work, VIGIL_ONLY: '', VIGIL_KMOD_MEM: '2G', VIGIL_KMOD_TIMEOUT: '480' },
  });
  const resultsFile = `${work}/out/results.json`;
  const res = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  assert.equal(r.status, 0, `harness failed (status ${r.status}):\n${res.agentError ?? ''}\n${r.stderr.slice(-4000)}`);
  const a = res.agent;
  assert.ok(a, 'the guest reported no agent results');
  const steps = a.steps as { name: string; alerts: string[] }[];
  assert.deepEqual(steps.map((s) => s.name), [
    'benign actions, then a marker', 'write below /etc in a container', 'write below a binary directory', 'interactive shell in a container',
    'ptrace attach', 'unshare in a container, then setns', 'exec from memfd', 'program dropped in /tmp, run, made setuid',
    'outbound connection to a mining pool port', 'kernel module loaded', 'anonymous API request through the audit webhook',
    'kernel drops under a flood',
  ]);
  // Each step already checked its alerts exactly inside the guest; the counts pin them here too.
  assert.deepEqual(steps.slice(0, -1).map((s) => s.alerts.length), [1, 1, 1, 1, 1, 2, 1, 2, 1, 1, 1]);
  const dropAlerts = steps.at(-1)!.alerts.length;
  assert.ok(dropAlerts >= 1);
  assert.equal(a.alerts, 13 + dropAlerts);
  // The internal alerts account for every record the module dropped.
  assert.ok(BigInt(a.drops.kernel) > 0n);
  assert.equal(a.drops.reported, a.drops.kernel);
  assert.equal(String(a.metrics.kernelDrops), a.drops.kernel);
  assert.equal(a.exit, 0);
  assert.match(a.busy, /device busy/);
  assert.match(a.noModule, /the vigil kernel module is not loaded/);
  assert.ok(a.metrics.eventsRead > 100);
  // vigil capture on the same module, replayed: the shadow read it recorded alerts
  assert.ok(a.capture.records > 0 && a.capture.shadowAlerts >= 1, JSON.stringify(a.capture));
});
