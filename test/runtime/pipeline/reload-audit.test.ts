// `vigil replay FILE.json --follow` is long-running: a rules edit reaches the next appended audit
// events, and a broken edit leaves the old rules matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../runtime/config/load.js';
import { AgentMetrics } from '../../../runtime/ops/metrics.js';
import { Logger } from '../../../runtime/ops/logger.js';
import type { Match } from '../../../runtime/outputs/delivery.js';
import { startAuditReplay } from '../../../runtime/pipeline/audit.js';

const SHARED = fileURLToPath(new URL('../../../../shared/falco/', import.meta.url));
const sample = (f: string) => readFileSync(join(SHARED, 'k8s_audit', f), 'utf8').trim();
const rule = (name: string, cond: string) => `- rule: ${name}
  desc: d
  condition: ${cond}
  output: "${name} %ka.verb %ka.target.resource"
  priority: WARNING
  source: k8s_audit
`;
const waitFor = async (cond: () => boolean, ms = 15_000) => {
  for (const end = Date.now() + ms; !cond() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), 'condition not met in time');
};

test('audit --follow: a rules edit applies to the next appended events; a broken one keeps the old rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-audit-'));
  const log = join(dir, 'audit.log');
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, rule('any create', 'ka.verb = create'));
  writeFileSync(log, sample('create_nginx_pod_unprivileged.json') + '\n');
  const matches: Match[] = [];
  const ctx = { config: loadConfig(), positionals: [log], flags: { follow: true, rules }, metrics: new AgentMetrics(), log: new Logger('error'), onMatch: (m: Match) => matches.push(m), outputsReady: () => undefined };
  const names = () => matches.filter((m) => m.rule.source !== 'internal').map((m) => m.rule.name);
  const internal = () => matches.filter((m) => m.rule.source === 'internal').map((m) => m.rule.name);
  const p = await startAuditReplay(ctx);
  try {
    await waitFor(() => names().length === 1);
    writeFileSync(rules, rule('any create', 'ka.verb = create') + rule('pod seen', 'ka.target.resource = pods'));
    await waitFor(() => internal().length === 1);
    assert.deepEqual(internal(), ['Vigil internal: rules reloaded']);
    appendFileSync(log, sample('create_nginx_pod_unprivileged.json') + '\n');
    await waitFor(() => names().length === 3);
    assert.deepEqual(names(), ['any create', 'any create', 'pod seen']);

    writeFileSync(rules, rule('any create', 'ka.verb = create and ka.nosuch = 1'));
    await waitFor(() => internal().length === 2);
    assert.equal(internal()[1], 'Vigil internal: rules reload rejected');
    appendFileSync(log, sample('create_nginx_pod_unprivileged.json') + '\n');
    await waitFor(() => names().length === 5);
    assert.deepEqual(names().slice(3), ['any create', 'pod seen'], 'the previous rules keep matching');
    assert.match(ctx.metrics.registry.expose(), /vigil_rules_reload_total\{result="failure"\} 1/);
  } finally {
    await p.stop();
    await p.done;
    rmSync(dir, { recursive: true, force: true });
  }
});
