import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.js';
import { AgentMetrics } from '../ops/metrics.js';
import { Logger } from '../ops/logger.js';
import type { Match } from '../outputs/delivery.js';
import type { PipelineContext } from '../cli/pipelines.js';
import { UsageError } from '../cli/command.js';
import { auditOnlyRun, startAuditReplay, startAuditSource } from './audit.js';
import { compileRules } from './rules.js';
import { makePki } from '../../test/runtime/k8saudit/certs.js';
import { post } from '../../test/runtime/k8saudit/post.js';

const SHARED = fileURLToPath(new URL('../../../shared/falco/', import.meta.url));
const RULES = compileRules([join(SHARED, 'rules/k8s_audit_rules.yaml')]);
const sample = (f: string) => readFileSync(join(SHARED, 'k8s_audit', f), 'utf8').trim();

function context(overrides: string[], positionals: string[] = [], flags: PipelineContext['flags'] = {}) {
  const matches: Match[] = [];
  const metrics = new AgentMetrics();
  const ctx: PipelineContext = {
    config: loadConfig({ overrides }), positionals, flags, metrics, log: new Logger('error'), onMatch: (m) => matches.push(m), outputsReady: () => undefined,
  };
  return { ctx, matches, metrics };
}

const waitFor = async (cond: () => boolean) => { for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20)); };

test('startAuditSource: the configured webhook feeds the k8s_audit rules; stop() ends it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-src-'));
  const pki = makePki();
  writeFileSync(join(dir, 'c.crt'), pki.serverCert);
  writeFileSync(join(dir, 'c.key'), pki.serverKey);
  writeFileSync(join(dir, 'token'), 'tok\n');
  const { ctx, matches, metrics } = context([
    'k8s_audit.enabled=true', 'k8s_audit.listen_address=127.0.0.1', 'k8s_audit.listen_port=0', `k8s_audit.cert_file=${join(dir, 'c.crt')}`,
    `k8s_audit.key_file=${join(dir, 'c.key')}`, `k8s_audit.token_file=${join(dir, 'token')}`, 'k8s_audit.path=/audit', 'k8s_audit.cluster_name=prod',
  ]);
  const lines: string[] = [];
  ctx.log = new Logger('info', { write: (s: string) => { lines.push(s); return true; } } as unknown as import("node:stream").Writable);
  const p = await startAuditSource(ctx, RULES);
  try {
    const port = Number(/"port":(\d+)/.exec(lines.join(''))![1]);
    assert.equal((await post(port, sample('create_nginx_pod_privileged.json'), { ca: pki.ca, token: 'tok' })).status, 404, 'the configured path only');
    const r = await post(port, sample('create_nginx_pod_privileged.json'), { ca: pki.ca, token: 'tok', path: '/audit' });
    assert.equal(r.status, 200, r.body);
    await waitFor(() => matches.length > 0);
    assert.deepEqual(matches.map((m) => m.rule.name), ['Create Privileged Pod']);
    assert.equal(matches[0].resolve('ka.req.pod.containers.image', undefined), '(nginx)');
    assert.equal(matches[0].resolve('ka.cluster.name', undefined), 'prod');
    assert.equal(matches[0].timeNs, 1540476552_581541000n);
    assert.equal(metrics.eventsRead.value, 1);
    assert.match(metrics.registry.expose(), /vigil_k8s_audit_requests_total\{code="404"\} 1/);
    assert.deepEqual(p.health(), { ok: true });
  } finally {
    await p.stop();
    await p.done;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('startAuditSource refuses to start without TLS files or any authentication, naming the key', async () => {
  const none = context(['k8s_audit.enabled=true', 'k8s_audit.token_file=/nonexistent/token']);
  await assert.rejects(startAuditSource(none.ctx, RULES), (e: Error) => e instanceof UsageError && /k8s_audit.token_file: cannot read \/nonexistent\/token: ENOENT/.test(e.message));
  const noAuth = context(['k8s_audit.enabled=true', 'k8s_audit.cert_file=/x', 'k8s_audit.key_file=/y']);
  await assert.rejects(startAuditSource(noAuth.ctx, RULES), /client_ca_file and\/or k8s_audit.token_file/);
  await assert.rejects(auditOnlyRun(context([]).ctx), /syscall.enabled=false/);
  await assert.rejects(auditOnlyRun(context(['syscall.enabled=false']).ctx), /no event source enabled/);
});

test('startAuditReplay --follow: what the file holds, then each appended event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-follow-'));
  const log = join(dir, 'audit.log');
  writeFileSync(log, sample('attach_pod.json') + '\n');
  const { ctx, matches } = context([], [log], { follow: true, rules: join(SHARED, 'rules/k8s_audit_rules.yaml') });
  const p = await startAuditReplay(ctx);
  try {
    await waitFor(() => matches.length >= 1);
    assert.deepEqual(matches.map((m) => m.rule.name), ['Attach/Exec Pod']);
    appendFileSync(log, sample('anonymous_creates_namespace_foo.json') + '\n' + sample('create_nginx_pod_unprivileged.json') + '\n');
    await waitFor(() => matches.length >= 4);
    assert.deepEqual(matches.map((m) => m.rule.name), ['Attach/Exec Pod', 'Anonymous Request Allowed', 'Create Disallowed Namespace', 'K8s Namespace Created']);
  } finally {
    await p.stop();
    await p.done;
    rmSync(dir, { recursive: true, force: true });
  }
});
