import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScapReplay } from '../../runtime/sources/scap/replay.js';
import { compileOrThrow, defaultRuleFiles, firedRules } from './engine.js';

// Real captures of ordinary activity (cat writing a file, a connection to localhost, curl to a
// web site): replayed through the scap reader and the state stage, the default rules must stay
// silent on them, and they must have seen enough events for that to mean something.
const CAPTURES = fileURLToPath(new URL('../../../shared/falco/captures/', import.meta.url));

test('the default rules are quiet on real captures of benign activity', () => {
  const compiled = compileOrThrow([...defaultRuleFiles(), fileURLToPath(new URL('./cases/tuning/capture-control.yaml', import.meta.url))]);
  const controls = new Map<string, Set<string>>();
  const files = readdirSync(CAPTURES).filter((f) => f.endsWith('.scap')).sort();
  assert.ok(files.length > 0, 'no captures found');
  for (const f of files) {
    const replay = new ScapReplay();
    let evaluated = 0;
    const alerts: string[] = [];
    for (const re of replay.fromBuffer(readFileSync(CAPTURES + f))) {
      const ev = re.event();
      evaluated++;
      for (const name of firedRules(compiled, ev)) {
        if (name.startsWith('Control ')) { if (!controls.has(f)) controls.set(f, new Set()); controls.get(f)!.add(name); }
        else alerts.push(`${name}: ${ev.type} ${ev.thread.comm} ${ev.fd?.name ?? ''}`);
      }
    }
    assert.ok(evaluated > 20, `${f}: only ${evaluated} events evaluated`);
    assert.deepEqual(alerts, [], `${f}: alerts on benign activity`);
  }
  // The controls show the replayed events carry what the rules read.
  assert.ok(controls.get('cat_write.scap')?.has('Control cat reads a file'), 'cat_write: the read control did not fire');
  assert.ok(controls.get('cat_write.scap')?.has('Control process spawned'), 'cat_write: the exec control did not fire');
  assert.ok(controls.get('curl_google.scap')?.has('Control outbound connection'), 'curl_google: the outbound control did not fire');
});
