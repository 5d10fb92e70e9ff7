// The upstream k8s audit rules, unmodified, against the shared audit samples: exactly the alerts
// upstream-expected.ts derives from the rules, nothing else, from files (`vigil replay x.json`)
// and over the HTTPS webhook of a running `vigil run` (alerts read back from its file output).
// The same running agent is then fed bad requests and must answer each with its status and stay up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFrontEnd } from '../../../../compiler/frontend.js';
import { makePki, type TestPki } from '../../k8saudit/certs.js';
import { post } from '../../k8saudit/post.js';
import { EXPECTED } from './upstream-expected.js';

const VIGIL = fileURLToPath(new URL('../../../../bin/vigil.mjs', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../../shared/falco/', import.meta.url));
const AUDIT_RULES = join(SHARED, 'rules/k8s_audit_rules.yaml');
const SYSCALL_RULES = [join(SHARED, 'rules/falco_rules.yaml'), join(SHARED, 'rules/falco-incubating_rules.yaml')];
const TOKEN = 'audit-test-token';

const lines = (file: string) => readFileSync(join(SHARED, 'k8s_audit', file), 'utf8').split('\n').filter((l) => l.trim());
const jsonLines = (text: string) => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

test('k8s_audit_rules.yaml loads and compiles unmodified, alone and with the syscall rule files', () => {
  for (const files of [[AUDIT_RULES], [...SYSCALL_RULES, AUDIT_RULES], [AUDIT_RULES, ...SYSCALL_RULES]]) {
    const r = compileFrontEnd(files);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], files.join(' + '));
    const audit = r.ruleset.rules.filter((x) => x.source === 'k8s_audit');
    assert.equal(audit.length, 48, files.join(' + '));
    assert.ok(r.ruleset.rules.some((x) => x.source === 'syscall') === files.length > 1);
  }
});

for (const e of EXPECTED) {
  test(`vigil replay ${e.file}: exactly the alerts the upstream rules define`, () => {
    const r = spawnSync(process.execPath, [VIGIL, 'replay', join(SHARED, 'k8s_audit', e.file), '-r', AUDIT_RULES, '--json', '-o', 'hostname=node-1'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout), e.alerts, e.why);
  });
}

test('with the syscall rules loaded too, audit events raise the same alerts and no syscall rule fires', () => {
  const e = EXPECTED.find((x) => x.file === 'anonymous_creates_namespace_foo.json')!;
  const args = [...SYSCALL_RULES, AUDIT_RULES].flatMap((f) => ['-r', f]);
  const r = spawnSync(process.execPath, [VIGIL, 'replay', join(SHARED, 'k8s_audit', e.file), ...args, '--json', '-o', 'hostname=node-1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(jsonLines(r.stdout), e.alerts);
});

// ---- the running agent -------------------------------------------------------------------------

let dir: string;
let pki: TestPki;
let agent: ChildProcess;
let port: number;
let stderr = '';
const alertsFile = () => join(dir, 'alerts.json');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-audit-agent-'));
  pki = makePki();
  for (const [f, text] of Object.entries({ 'tls.crt': pki.serverCert, 'tls.key': pki.serverKey, 'ca.crt': pki.ca, token: `${TOKEN}\n` })) writeFileSync(join(dir, f), text);
  writeFileSync(join(dir, 'vigil.yaml'), `rules_files: [${AUDIT_RULES}]
hostname: node-1
json_output: true
stdout_output: { enabled: false }
file_output: { enabled: true, filename: ${alertsFile()} }
webserver: { enabled: false }
syscall: { enabled: false }
k8s_audit:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  cert_file: ${join(dir, 'tls.crt')}
  key_file: ${join(dir, 'tls.key')}
  client_ca_file: ${join(dir, 'ca.crt')}
  token_file: ${join(dir, 'token')}
  max_body_bytes: 65536
`);
  agent = spawn(process.execPath, [VIGIL, 'run', '-c', join(dir, 'vigil.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  agent.stderr!.setEncoding('utf8');
  port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`agent did not start listening: ${stderr}`)), 120_000);
    agent.stderr!.on('data', (s: string) => {
      stderr += s;
      const m = /"msg":"k8s audit webhook listening"[^\n]*"port":(\d+)/.exec(stderr);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    agent.once('exit', (code) => { clearTimeout(t); reject(new Error(`agent exited ${code}: ${stderr}`)); });
  });
});

after(() => {
  if (agent.exitCode === null) agent.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function alertsWhen(n: number): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 200; i++) {
    const got = existsSync(alertsFile()) ? jsonLines(readFileSync(alertsFile(), 'utf8')) : [];
    if (got.length >= n) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
  return existsSync(alertsFile()) ? jsonLines(readFileSync(alertsFile(), 'utf8')) : [];
}

const mtls = () => ({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
const eventList = (items: unknown[]) => JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });

test('over the HTTPS webhook of a running agent: the same exact alerts, in order', async () => {
  const want: Array<Record<string, unknown>> = [];
  for (const [i, e] of EXPECTED.entries()) {
    const ls = lines(e.file);
    // Alternate the two ways the API server can post (an EventList, as its webhook backend does; a lone
    // Event) and the two credentials.
    const body = ls.length > 1 || i % 2 === 0 ? eventList(ls.map((l) => JSON.parse(l))) : ls[0];
    const r = await post(port, body, i % 2 === 0 ? mtls() : { ca: pki.ca, token: TOKEN });
    assert.equal(r.status, 200, `${e.file}: ${r.body}`);
    assert.match(r.body, new RegExp(`"${ls.length} events"`));
    want.push(...e.alerts);
    assert.deepEqual(await alertsWhen(want.length), want, `${e.file}\n${e.why}`);
  }
});

test('bad requests to the running agent get their status and reason; it keeps serving', async () => {
  const good = lines('attach_pod.json')[0];
  const before = (await alertsWhen(0)).length;
  const cases: Array<[string, () => ReturnType<typeof post>, number, RegExp]> = [
    ['no credentials', () => post(port, good, { ca: pki.ca }), 401, /unauthenticated/],
    ['wrong token', () => post(port, good, { ca: pki.ca, token: TOKEN + 'x' }), 401, /unauthenticated/],
    ['client certificate from another CA', () => post(port, good, { ca: pki.ca, cert: pki.badCert, key: pki.badKey }), 401, /unauthenticated/],
    ['malformed JSON', () => post(port, good.slice(0, 40), mtls()), 400, /malformed JSON/],
    ['wrong kind', () => post(port, JSON.stringify({ kind: 'Pod', apiVersion: 'v1', metadata: {} }), mtls()), 400, /unsupported kind "Pod"/],
    ['EventList item of another kind', () => post(port, eventList([{ kind: 'Status' }]), mtls()), 400, /item 0: kind "Status" is not Event/],
    ['wrong apiVersion', () => post(port, JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v9' }), mtls()), 400, /unsupported apiVersion/],
    ['huge body', () => post(port, eventList(Array.from({ length: 100 }, () => JSON.parse(good))), mtls()), 413, /larger than 65536 bytes/],
    ['wrong path', () => post(port, good, { ...mtls(), path: '/audit' }), 404, /no such path/],
    ['wrong method', () => post(port, '', { ...mtls(), method: 'PUT' }), 405, /PUT not allowed/],
  ];
  for (const [what, send, status, reason] of cases) {
    const r = await send();
    assert.equal(r.status, status, `${what}: ${r.body}`);
    assert.match(JSON.parse(r.body).reason, reason, what);
    assert.equal(agent.exitCode, null, `agent still running after: ${what}`);
  }
  // A body streamed without Content-Length is cut off at the limit too.
  const chunked = await post(port, Buffer.alloc(1024 * 1024, 'x'), { ...mtls(), headers: { 'transfer-encoding': 'chunked' } }).catch((e) => ({ status: -1, body: String(e), headers: {} }));
  assert.ok(chunked.status === 413 || /ECONNRESET|EPIPE/.test(chunked.body), chunked.body);
  assert.equal((await alertsWhen(before)).length, before, 'no bad request produced an alert');
  const ok = await post(port, good, { ca: pki.ca, token: TOKEN });
  assert.equal(ok.status, 200, ok.body);
  const after = await alertsWhen(before + 1);
  assert.equal(after.length, before + 1);
  assert.equal(after[before].rule, 'Attach/Exec Pod');
});

test('SIGTERM stops the agent cleanly', async () => {
  const code = await new Promise<number | null>((r) => { agent.once('exit', (c) => r(c)); agent.kill('SIGTERM'); });
  assert.equal(code, 0, stderr);
});
