// The live half of `npm run demo`: the kernel-module guest harness in its `agent` mode boots a real
// kernel under QEMU with vigil.ko, starts `vigil run` on the bundled rules and performs a short
// scripted attack (test/kmod/guest/agent.ts); this prints the alerts the agent wrote, as text.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const kmodWork = `${root}test/kmod/.work`;
const work = `${kmodWork}/agent`;

interface AlertLine { time: string; rule: string; priority: string; source: string; output: string }

/** Returns false (after saying why) when the guest could not run; the demo then goes on. */
export function liveDemo(say: (s: string) => void): boolean {
  mkdirSync(work, { recursive: true });
  // The kernel image the kmod harness fetched is shared rather than fetched again.
  if (existsSync(kmodWork)) {
    for (const k of readdirSync(kmodWork).filter((d) => d.startsWith('kernel-'))) if (!existsSync(`${work}/${k}`)) symlinkSync(`../${k}`, `${work}/${k}`);
  }
  say('live: building vigil.ko, booting a Debian kernel under QEMU (no KVM: about 2-3 minutes), starting `vigil run` on the bundled rules,');
  say('live: then a scripted attack inside the guest: shadow read, writes below /etc and a bin dir, a container shell with a tty,');
  say('live: ptrace, unshare/setns, memfd exec, a /tmp dropper made setuid, a mining-pool connect, a module load, an anonymous API call');
  const r = spawnSync('sh', [`${root}test/kmod/run.sh`, 'agent'], { encoding: 'utf8', cwd: root, env: { ...process.env, VIGIL_KMOD_WORK: work, VIGIL_ONLY: '', VIGIL_KMOD_MEM: '2G' } });
  const file = `${work}/out/alerts.json`;
  if (!existsSync(file)) {
    say(`live: the guest did not run (status ${r.status}); its last words:\n${r.stderr.trim().split('\n').slice(-12).join('\n')}`);
    return false;
  }
  const alerts = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as AlertLine);
  say(`live: the agent in the guest raised ${alerts.length} alerts${r.status === 0 ? ' (each checked by the guest test)' : ` (the guest run reported a problem, status ${r.status})`}:`);
  for (const a of alerts) process.stdout.write(`${a.time} ${a.priority}: [${a.rule}] ${a.output}\n`);
  return r.status === 0;
}
