// `npm run demo`: Vigil's main job on an embedded default. First live: the module and `vigil run`
// in a guest kernel under a scripted attack (scripts/demo-live.ts). Then the bundled rules (rules/)
// through the real pipeline (reader -> state -> rules -> formatter -> stdout) over recorded events:
// the Kubernetes audit samples and syscall captures beside the checkout (../shared/falco/).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../runtime/cli/main.js';
import { liveDemo } from './demo-live.js';

const shared = fileURLToPath(new URL('../../shared/falco/', import.meta.url));
const say = (s: string) => process.stderr.write(`\x1b[1m[demo]\x1b[0m ${s}\n`);

async function replayAll(dir: string, ext: string, what: string): Promise<void> {
  if (!existsSync(dir)) { say(`no ${what} at ${dir}; skipping`); return; }
  for (const f of readdirSync(dir).filter((x) => x.endsWith(ext)).sort()) {
    say(`replaying ${what} ${f} through the default rules...`);
    const code = await main(['replay', join(dir, f)]);
    if (code !== 0) process.exit(code);
  }
}

// VIGIL_DEMO_LIVE=0 skips the guest (the replays alone take seconds).
if (process.env.VIGIL_DEMO_LIVE !== '0') liveDemo(say);
say('compiling the bundled rules (rules/) and replaying recorded events; alerts print below');
await replayAll(join(shared, 'k8s_audit'), '.json', 'Kubernetes audit event');
await replayAll(join(shared, 'captures'), '.scap', 'syscall capture (benign activity: the default rules stay quiet)');
say('done. Try: node bin/vigil.mjs replay FILE.scap -r RULES.yaml [--json]');
