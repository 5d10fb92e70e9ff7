// A broken rules edit during a run, in the real agent process: `vigil replay FILE.jsonl --follow`
// keeps alerting with the old rules, its log names the error's file:line:col in one line, and the
// fixed file is picked up. Alerts are read at a real HTTP endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from '../delivery/agent-process.js';
import { Endpoint, until } from '../delivery/endpoint.js';

const SHARED = fileURLToPath(new URL('../../../../shared/falco/', import.meta.url));
const POD = JSON.parse(readFileSync(join(SHARED, 'k8s_audit/create_nginx_pod_unprivileged.json'), 'utf8')) as Record<string, unknown>;
const event = (id: string) => `${JSON.stringify({ ...POD, auditID: id })}\n`;
const rule = (name: string, cond: string) => `- rule: ${name}\n  desc: d\n  condition: ${cond}\n  output: "${name} %ka.auditid"\n  priority: WARNING\n  source: k8s_audit\n`;

test('vigil replay --follow: a broken rules edit is logged with file:line:col, the old rules keep alerting, a fix loads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-agent-'));
  const ep = await Endpoint.reserve();
  await ep.up();
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, rule('old', 'ka.verb = create'));
  const log = join(dir, 'audit.jsonl');
  writeFileSync(log, event('e1'));
  const a = new Agent(['replay', log, '--follow', '-r', rules, '-o', 'stdout_output.enabled=false', '-o', 'http_output.enabled=true',
    '-o', `http_output.url=${ep.url}/`, '-o', 'webserver.enabled=true', '-o', 'webserver.listen_address=127.0.0.1', '-o', 'webserver.listen_port=0']);
  const outputs = () => ep.bodies('/').filter((b) => b.source !== 'internal').map((b) => String(b.output));
  const internal = () => ep.bodies('/').filter((b) => b.source === 'internal').map((b) => `${b.priority} ${b.rule}`);
  const logLines = () => a.err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    await a.ready();
    await until(() => outputs().length === 1, 'the first alert');
    // Let the watcher's initial scan settle before editing.
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(rules, rule('old', 'ka.verb = create') + rule('broken', 'ka.verb = create and ka.user.nosuch = x'));
    await until(() => logLines().some((l) => l.msg === 'rule error'), 'the reload error in the log');
    const errs = logLines().filter((l) => l.msg === 'rule error').map((l) => String(l.diagnostic));
    assert.equal(errs.length, 1);
    assert.match(errs[0], new RegExp(`^${rules.replace(/[.]/g, '\\.')}:9:\\d+: error COND_UNKNOWN_FIELD: unknown field 'ka\\.user\\.nosuch'`));
    appendFileSync(log, event('e2'));
    await until(() => outputs().length === 2, 'an alert from the old rules');
    // The internal alert goes to the outputs too: rule changes are security-relevant.
    await until(() => internal().length === 1, 'the internal alert');
    assert.deepEqual(internal(), ['Error Vigil internal: rules reload rejected']);

    writeFileSync(rules, rule('new', 'ka.verb = create'));
    await until(() => logLines().some((l) => l.msg === 'rules reloaded'), 'the fixed rules');
    appendFileSync(log, event('e3'));
    await until(() => outputs().length === 3, 'an alert from the new rules');
    assert.deepEqual(outputs(), ['old e1', 'old e2', 'new e3']);
    assert.deepEqual(internal(), ['Error Vigil internal: rules reload rejected', 'Notice Vigil internal: rules reloaded']);
    assert.equal(await a.metric(/^vigil_rules_reload_total\{result="failure"\} (\d+)$/m), 1);
    assert.equal(await a.metric(/^vigil_rules_reload_total\{result="success"\} (\d+)$/m), 1);
    a.child.kill('SIGTERM');
    assert.equal(await a.exited(), 0, a.err);
  } finally {
    if (a.child.exitCode === null) { a.child.kill('SIGKILL'); await a.exited(); }
    await ep.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
