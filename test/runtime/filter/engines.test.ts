// The WASM filter against the reference interpreter on real captures: every shared capture, with the
// bundled rules and with upstream falco_rules.yaml, gives the same alerts (text lines and Falco JSON)
// whichever engine runs, in both rule_matching modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeAlert } from '../../../runtime/alerts/alert.js';
import { jsonLine, textLine } from '../../../runtime/alerts/format.js';
import { InterpDetector, type SeededDetector } from '../../../runtime/filter/interp-detector.js';
import { WasmDetector } from '../../../runtime/filter/wasm-detector.js';
import type { Match } from '../../../runtime/outputs/delivery.js';
import { BUNDLED_RULES_DIR, compileRules } from '../../../runtime/pipeline/rules.js';
import { ScapRecords } from '../../../runtime/sources/scap/records.js';

const SHARED = fileURLToPath(new URL('../../../../shared/falco/', import.meta.url));
const captures = readdirSync(`${SHARED}captures`).filter((f) => f.endsWith('.scap')).sort();
const BROAD = fileURLToPath(new URL('broad-rules.yaml', import.meta.url));
const RULE_SETS = { bundled: [BUNDLED_RULES_DIR], 'falco_rules.yaml': [`${SHARED}rules/falco_rules.yaml`], 'broad test': [BROAD] };
/**
 * The broad set must raise this many alerts over all captures and both modes, so the comparison is
 * never vacuous; the bundled and upstream rules raise none on these benign captures (both engines
 * agreeing on silence is what their comparison shows).
 */
const BROAD_MIN_ALERTS = 20;

function alerts(d: SeededDetector, capture: Uint8Array): string[] {
  const out: string[] = [];
  const onMatch = (m: Match) => { const a = makeAlert(m.rule, m.timeNs, 'node-1', m.resolve); out.push(textLine(a, { utc: true }), jsonLine(a)); };
  new ScapRecords({ seeds: d.seeds, feed: (buf) => { assert.equal(d.feed(buf, onMatch), buf.length); } }).runBuffer(capture);
  return out;
}

test('there are captures to compare', () => assert.ok(captures.length >= 3, captures.join(',')));

for (const [name, paths] of Object.entries(RULE_SETS)) {
  test(`WASM and interpreter alerts are identical on every capture: ${name} rules`, async () => {
    const rules = compileRules(paths);
    let total = 0;
    for (const mode of ['all', 'first'] as const) {
      for (const c of captures) {
        const bytes = readFileSync(`${SHARED}captures/${c}`);
        const interp = alerts(new InterpDetector(rules, { ruleMatching: mode }), bytes);
        const wasm = alerts(await WasmDetector.create(rules, { ruleMatching: mode }), bytes);
        assert.deepEqual(wasm, interp, `${c} (${mode})`);
        total += wasm.length;
      }
    }
    if (name === 'broad test') assert.ok(total >= BROAD_MIN_ALERTS, `${total} alerts from ${name}`);
  });
}
