// Guest mode `agent`: the live path end to end. vigil.ko is loaded, `vigil run` starts on the
// bundled rules (kernel source and audit webhook together) writing Falco JSON alerts to a file,
// then this driver performs benign actions (which must raise nothing) and real attacks (each must
// raise exactly its alert), and checks the agent's start-up errors, metrics and shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { DeviceError } from '../../../runtime/sources/device/open.js';
import { DeviceReader } from '../../../runtime/sources/device/reader.js';
import { DROP_RULE as DROP } from '../../../runtime/sources/device/drops.js';
import { parseStats, STATS_PATH } from '../../../runtime/sources/device/ioctl.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { HELPER, busybox, load, run, sleep, start, unload } from './util.js';

// The rule compiler (assemblyscript, loaded through tsx's loader thread) needs more heap than
// node grants by default on a small machine.
const VIGIL = ['/usr/bin/node', '--max-old-space-size=1536', '/repo/bin/vigil.mjs'];
const ALERTS = '/tmp/vigil-alerts.json';
const LOG = '/out/agent-stderr.log';
const PUBLIC_IP = '203.0.113.5'; // TEST-NET-3, added to lo so an "outbound" connect succeeds offline
const CID = randomBytes(32).toString('hex');
const CGROUP = `/sys/fs/cgroup/docker/${CID}`;
const SHORT = CID.slice(0, 12);
const DROP_RULE = DROP.name;

export interface Expected { rule: string; priority: string; source?: string; fields: Record<string, string | RegExp> }
interface AlertLine { time: string; rule: string; priority: string; source: string; hostname: string; output: string; output_fields: Record<string, string | null>; tags: string[] }

const inContainer = (cmd: string) => run('/bin/sh', ['-c', `echo $$ > ${CGROUP}/cgroup.procs && exec ${cmd}`]);

function alerts(): AlertLine[] {
  if (!existsSync(ALERTS)) return [];
  return readFileSync(ALERTS, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as AlertLine);
}

async function until<T>(what: string, f: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const fits = (a: AlertLine, e: Expected) => a.rule === e.rule && a.priority === e.priority && a.source === (e.source ?? 'syscall')
  && Object.entries(e.fields).every(([k, v]) => (typeof v === 'string' ? a.output_fields[k] === v : v.test(a.output_fields[k] ?? '')));

/** Waits for the action's alerts to arrive, then checks they are exactly the expected ones. */
async function expectAlerts(name: string, from: number, expected: Expected[], action: () => void | Promise<void>): Promise<AlertLine[]> {
  console.log(`scenario agent ${name}: start`);
  await action();
  // wait for the expected alerts themselves (an internal alert arriving first must not end the
  // wait); on a time-out the check below names what did arrive
  await until(`${name}: ${expected.length} alert(s)`, () => expected.every((e) => alerts().slice(from).some((a) => fits(a, e))) || undefined, 30_000).catch(() => undefined);
  await sleep(1500); // anything extra an action raised arrives here too
  const got = alerts().slice(from);
  const left = [...got];
  for (const e of expected) {
    const i = left.findIndex((a) => fits(a, e));
    if (i < 0) throw new Error(`${name}: no alert matching ${JSON.stringify(e, (_k, v) => (v instanceof RegExp ? String(v) : v))}; got ${JSON.stringify(got)}`);
    left.splice(i, 1);
  }
  if (left.length) throw new Error(`${name}: unexpected alert(s): ${JSON.stringify(left)}`);
  console.log(`scenario agent ${name}: ok`);
  return got;
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

function auditPost(port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // The guest's own throwaway certificate: verification is not what this scenario checks.
    import('node:https').then(({ request: req }) => {
      req({ host: '127.0.0.1', port, path: '/k8s-audit', method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject).end(body);
    }, reject);
  });
}

/**
 * What `vigil run` would print when it cannot open the device: the agent's own open path against
 * the real module. (A second `vigil run` process would show the same line, but each node start
 * under TCG costs a minute; the CLI's one-line rendering of this error is tested on the host.)
 */
function openError(): string {
  try { DeviceReader.open({ path: '/dev/vigil' }).stop(); return 'opened'; } catch (e) {
    if (!(e instanceof DeviceError)) throw e;
    return e.message;
  }
}

const kernelDrops = () => parseStats(readFileSync(STATS_PATH, 'utf8')).reduce((t, c) => t + c.drops, 0n);

function setup(): { token: string; cert: string; key: string; moduleKo: string } {
  mkdirSync(CGROUP, { recursive: true });
  mkdirSync('/dev/pts', { recursive: true });
  busybox('mount', ['-t', 'devpts', 'devpts', '/dev/pts'], true);
  // /usr is the host's, read-only: a tmpfs over one binary directory makes the write succeed.
  busybox('mount', ['-t', 'tmpfs', 'tmpfs', '/usr/local/bin']);
  busybox('ip', ['addr', 'add', `${PUBLIC_IP}/32`, 'dev', 'lo']);
  const dir = '/tmp/vigil-pki';
  mkdirSync(dir, { recursive: true });
  // The guest's /etc is a bare tmpfs (no openssl.cnf): a minimal config for `req`.
  writeFileSync(`${dir}/openssl.cnf`, '[req]\ndistinguished_name = dn\n[dn]\n');
  run('/usr/bin/openssl', ['req', '-config', `${dir}/openssl.cnf`, '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', `${dir}/server.key`, '-out', `${dir}/server.crt`]);
  writeFileSync(`${dir}/token`, 'guest-token\n');
  // A real module the guest has not loaded yet, for the module-load alert (run.sh copies it).
  const moduleKo = '/out/spare-module.ko';
  if (!existsSync(moduleKo)) throw new Error(`${moduleKo} missing: run.sh copies virtio_balloon.ko from the kernel it boots`);
  return { token: 'guest-token', cert: `${dir}/server.crt`, key: `${dir}/server.key`, moduleKo };
}

/** `vigil capture -w` on the module while cat reads /etc/shadow, stopped by SIGTERM; the file replayed with the bundled rules. */
async function captureAndReplay(): Promise<Record<string, unknown>> {
  const file = '/tmp/vigil-guest.vcap.gz';
  const err: string[] = [];
  const cap = spawn(VIGIL[0], [...VIGIL.slice(1), 'capture', '-w', file, '-o', 'webserver.enabled=false', '-o', 'log.level=info', '-o', 'stdout_output.enabled=false'],
    { cwd: '/tmp', stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/usr/sbin', HOME: '/root' } });
  cap.stderr.on('data', (d: Buffer) => { err.push(d.toString()); });
  const exited = new Promise<number | null>((r) => cap.on('exit', (c) => r(c)));
  const line = (msg: string) => err.join('').split('\n').find((l) => l.includes(`"msg":"${msg}"`));
  await until('vigil capture to start', () => {
    if (cap.exitCode !== null) throw new Error(`vigil capture exited ${cap.exitCode}: ${err.join('')}`);
    return line('capture started');
  }, 120_000);
  await sleep(1000);
  run('/bin/cat', ['/etc/shadow']);
  await sleep(2000);
  cap.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
  if (code !== 0) throw new Error(`vigil capture exited ${code} on SIGTERM: ${err.join('').slice(-2000)}`);
  const written = JSON.parse(line('capture written') ?? 'null') as { records: number } | null;
  if (!written || !(written.records > 0)) throw new Error(`capture wrote nothing: ${err.join('').slice(-2000)}`);
  // the interpreter: no WASM build under TCG for one replay
  const r = spawnSync(VIGIL[0], [...VIGIL.slice(1), 'replay', file, '-r', '/repo/rules', '--engine', 'interp', '--json'], { encoding: 'utf8', cwd: '/tmp', env: { PATH: '/usr/bin:/usr/sbin', HOME: '/root' } });
  if (r.status !== 0) throw new Error(`vigil replay of the capture exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const found = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AlertLine)
    .filter((a) => a.rule === 'Sensitive credential file read' && a.output_fields['fd.name'] === '/etc/shadow' && a.output_fields['proc.name'] === 'cat');
  if (!found.length) throw new Error(`the replayed capture raised no shadow-read alert:\n${r.stdout.slice(0, 4000)}`);
  return { records: written.records, shadowAlerts: found.length };
}

export async function agentScenarios(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const env = setup();
  // 8 MiB rings, not the default 1 MiB: single-threaded TCG can leave the reader's vCPU without a
  // turn for over half a second (kmod/README.md), and the agent's own start-up burst then filled
  // 1 MiB on the other vCPU before its first read (14 drops, the marker alert lost, in one CI run)
  load(['ring_kb=8192']);
  const dropsAtLoad = kernelDrops();
  const stderr: string[] = [];
  // The default engine: rules compiled to WASM at start (the compiler runs in its child process,
  // from plain JavaScript; the agent from its bundle), as on a node.
  const agent = spawn(VIGIL[0], [...VIGIL.slice(1), 'run', '-r', '/repo/rules',
    '-o', 'stdout_output.enabled=false', '-o', 'file_output.enabled=true', '-o', `file_output.filename=${ALERTS}`, '-o', 'json_output=true',
    '-o', 'webserver.listen_port=0', '-o', 'log.level=info', '-o', 'hostname=vigil-guest', '-o', 'syscall.drops_check_ms=200',
    '-o', 'k8s_audit.enabled=true', '-o', 'k8s_audit.listen_address=127.0.0.1', '-o', 'k8s_audit.listen_port=0',
    '-o', `k8s_audit.cert_file=${env.cert}`, '-o', `k8s_audit.key_file=${env.key}`, '-o', `k8s_audit.token_file=/tmp/vigil-pki/token`,
  ], { cwd: '/tmp', stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/usr/sbin', HOME: '/root' } });
  agent.stderr.on('data', (d: Buffer) => { stderr.push(d.toString()); writeFileSync(LOG, stderr.join('')); });
  const exited = new Promise<number | null>((r) => agent.on('exit', (code) => r(code)));
  const logged = (msg: string) => stderr.join('').split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => JSON.parse(l) as Record<string, unknown>)[0];
  const t0 = Date.now();
  try {
    await until('the agent to start', () => {
      if (agent.exitCode !== null) throw new Error(`vigil run exited ${agent.exitCode}: ${stderr.join('')}`);
      return logged('kernel event source started') && logged('ops server listening') && logged('k8s audit webhook listening');
    }, 240_000);
    out.startMs = Date.now() - t0;
    out.interestEvents = logged('kernel event source started').events;
    const opsPort = Number(logged('ops server listening').port);
    const auditPort = Number(logged('k8s audit webhook listening').port);

    // Only one reader: a second one gets the device-busy line.
    out.busy = openError();
    if (out.busy !== '/dev/vigil: device busy: another reader has it open (one reader at a time; is another vigil running?)') throw new Error(`second reader: ${out.busy}`);

    let n = 0;
    const step = async (name: string, expected: Expected[], action: () => void | Promise<void>) => {
      const got = await expectAlerts(name, n, expected, action);
      n += got.length;
      (out.steps as unknown[]).push({ name, alerts: got.map((a) => `${a.priority} ${a.rule}: ${a.output}`) });
    };
    out.steps = [];
    // Benign: none of these may alert. The shadow read at the end is the marker that every record
    // before it has been through the rules.
    await step('benign actions, then a marker', [
      { rule: 'Sensitive credential file read', priority: 'Warning', fields: { 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'container.id': 'host', 'user.name': 'root' } },
    ], () => {
      run('/bin/cat', ['/etc/hostname']);
      run(HELPER, ['write', '/tmp/vigil-benign']);
      run(HELPER, ['connect']);
      inContainer('/bin/sh -c /usr/bin/true');
      run('/bin/ls', ['/tmp']);
      // No bundled rule covers symlinks, and a failed module load is not a load.
      run(HELPER, ['symlink', '/etc/shadow', '/tmp/shadow-link']);
      run(HELPER, ['module']);
      run('/bin/cat', ['/etc/shadow']);
    });
    await step('write below /etc in a container', [
      { rule: 'Write below /etc in a container', priority: 'Error', fields: { 'fd.name': '/etc/vigil-agent-test', 'proc.name': 'helper', 'container.id': SHORT, 'proc.cmdline': 'helper write /etc/vigil-agent-test' } },
    ], () => { inContainer(`${HELPER} write /etc/vigil-agent-test`); });
    await step('write below a binary directory', [
      { rule: 'Write below a binary or library directory', priority: 'Error', fields: { 'fd.name': '/usr/local/bin/vigil-agent-test', 'proc.name': 'helper', 'container.id': 'host' } },
    ], () => { run(HELPER, ['write', '/usr/local/bin/vigil-agent-test']); });
    await step('interactive shell in a container', [
      { rule: 'Interactive shell started in a container', priority: 'Notice', fields: { 'proc.name': 'sh', 'proc.pname': 'script', 'container.id': SHORT, 'proc.tty': /^[1-9]\d*$/ } },
    ], () => { inContainer('/usr/bin/env SHELL=/bin/sh /usr/bin/script -qec true /dev/null'); });
    await step('ptrace attach', [
      { rule: 'Process attached to another with ptrace', priority: 'Warning', fields: { 'proc.name': 'helper', 'evt.arg.request': /PTRACE_ATTACH/ } },
    ], () => { run(HELPER, ['ptrace']); });
    await step('unshare in a container, then setns', [
      { rule: 'Namespaces unshared in a container', priority: 'Notice', fields: { 'proc.name': 'helper', 'container.id': SHORT } },
      { rule: 'Process joined another namespace', priority: 'Notice', fields: { 'proc.name': 'helper', 'container.id': SHORT } },
    ], () => { inContainer(`${HELPER} ns`); });
    await step('exec from memfd', [
      { rule: 'Fileless program run from memfd', priority: 'Critical', fields: { 'proc.exepath': /^\/memfd:vigil-memfd/, 'container.id': 'host' } },
    ], () => { run(HELPER, ['memfd']); });
    await step('program dropped in /tmp, run, made setuid', [
      { rule: 'Program run from a temporary directory', priority: 'Warning', fields: { 'proc.exepath': '/tmp/vigil-dropper', 'proc.name': 'vigil-dropper' } },
      { rule: 'Setuid or setgid bit set on a file', priority: 'Notice', fields: { 'proc.name': 'chmod', 'proc.cmdline': 'chmod u+s /tmp/vigil-dropper' } },
    ], () => {
      copyFileSync(HELPER, '/tmp/vigil-dropper'); chmodSync('/tmp/vigil-dropper', 0o755);
      run('/tmp/vigil-dropper', ['noop']);
      run('/usr/bin/chmod', ['u+s', '/tmp/vigil-dropper']);
    });
    await step('outbound connection to a mining pool port', [
      { rule: 'Connection to a crypto mining pool port', priority: 'Critical', fields: { 'fd.sport': '3333', 'fd.name': new RegExp(`->${PUBLIC_IP.replace(/\./g, '\\.')}:3333$`) } },
    ], async () => {
      const srv = createServer((s) => s.end());
      await new Promise<void>((r) => srv.listen(3333, PUBLIC_IP, r));
      // Not spawnSync: this process serves the other end.
      const nc = start('/usr/bin/busybox', ['nc', PUBLIC_IP, '3333']);
      const timer = setTimeout(() => nc.child.kill(), 20_000);
      try { await nc.done; } finally { clearTimeout(timer); srv.close(); }
    });
    await step('kernel module loaded', [
      { rule: 'Kernel module loaded', priority: 'Warning', fields: { 'proc.name': 'busybox', 'evt.type': /^f?init_module$/ } },
    ], () => { busybox('insmod', [env.moduleKo]); });
    await step('anonymous API request through the audit webhook', [
      { rule: 'Anonymous request allowed by the API server', priority: 'Critical', source: 'k8s_audit', fields: { 'ka.user.name': 'system:anonymous', 'ka.verb': 'create', 'ka.target.resource': 'namespaces' } },
    ], async () => {
      const ev = {
        kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Request', stage: 'ResponseComplete', auditID: '0b7c0d2e-0000-4000-8000-000000000001',
        requestURI: '/api/v1/namespaces', verb: 'create', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        sourceIPs: ['10.1.2.3'], objectRef: { resource: 'namespaces', name: 'guest-ns', apiVersion: 'v1' }, responseStatus: { code: 201 },
        requestReceivedTimestamp: '2026-01-02T03:04:05.000000Z', stageTimestamp: '2026-01-02T03:04:05.100000Z',
        annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
      };
      const status = await auditPost(auditPort, env.token, JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [ev] }));
      if (status !== 200) throw new Error(`audit webhook answered ${status}`);
    });

    // A burst far beyond the rings while the agent evaluates under TCG: the kernel drops, and the
    // agent says so exactly (its internal alerts add up to the module's own counters).
    console.log('scenario agent kernel drops under a flood: start');
    const flood = alerts().length;
    // dup(-1) and fchdir(-1) in a loop: dup is in the bundled rules' interest set; both fail, so no rule matches.
    run(HELPER, ['mix', '400000']);
    await until('the internal drop alert', () => alerts().slice(flood).some((a) => a.rule === DROP_RULE) || undefined, 60_000);
    let settled = -1n;
    await until('the drop counters to settle', () => { const d = kernelDrops() - dropsAtLoad; const same = d === settled; settled = d; return same || undefined; });
    await sleep(1500); // two more polls of the agent
    const dropAlerts = alerts().slice(flood);
    const stray = dropAlerts.filter((a) => a.rule !== DROP_RULE || a.priority !== 'Critical' || a.source !== 'internal');
    if (stray.length) throw new Error(`flood: unexpected alert(s): ${JSON.stringify(stray)}`);
    const reported = dropAlerts.reduce((t, a) => t + BigInt(a.output_fields['vigil.drops'] ?? 'x'), 0n);
    out.drops = { kernel: String(settled), reported: String(reported), alerts: dropAlerts.length };
    if (settled <= 0n || reported !== settled) throw new Error(`flood: kernel counted ${settled} drops, the agent's alerts ${reported}`);
    (out.steps as unknown[]).push({ name: 'kernel drops under a flood', alerts: dropAlerts.map((a) => `${a.priority} ${a.rule}: ${a.output}`) });
    console.log('scenario agent kernel drops under a flood: ok');

    // Every alert line has Falco's JSON keys and the configured hostname.
    for (const a of alerts()) {
      if (Object.keys(a).sort().join() !== 'hostname,output,output_fields,priority,rule,source,tags,time') throw new Error(`alert keys: ${Object.keys(a)}`);
      if (a.hostname !== 'vigil-guest' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(a.time)) throw new Error(`alert header: ${JSON.stringify(a)}`);
    }
    // Syscall alert times are the records' boot-time stamps moved to the wall clock.
    const skew = alerts().filter((a) => a.source === 'syscall').map((a) => Math.abs(Date.parse(a.time) - Date.now()));
    out.maxAlertAgeMs = Math.max(...skew);
    if (Math.max(...skew) > 10 * 60_000) throw new Error(`alert times are not wall-clock times: ${skew}`);

    const metrics = await httpGet(opsPort, '/metrics');
    const health = await httpGet(opsPort, '/healthz');
    const val = (re: RegExp) => [...metrics.body.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
    out.metrics = { eventsRead: val(/^vigil_events_read_total (\d+)$/gm), kernelDrops: val(/^vigil_kernel_drops_total\{cpu="\d+"\} (\d+)$/gm), health: health.status };
    if (BigInt(val(/^vigil_kernel_drops_total\{cpu="\d+"\} (\d+)$/gm)) !== settled) throw new Error(`vigil_kernel_drops_total disagrees with the module's ${settled}:\n${metrics.body}`);
    if (health.status !== 200) throw new Error(`/healthz ${health.status}: ${health.body}`);
    if (!(val(/^vigil_events_read_total (\d+)$/gm) > 100)) throw new Error(`events read: ${metrics.body}`);
    if (!/^vigil_kernel_drops_total\{cpu="1"\} \d+$/m.test(metrics.body)) throw new Error(`no per-CPU kernel drop counters in /metrics:\n${metrics.body}`);
    if (!/^vigil_rule_matches_total\{rule="Kernel module loaded"\} 1$/m.test(metrics.body)) throw new Error(`rule match counters:\n${metrics.body}`);

    // Graceful stop: SIGTERM drains and exits 0; the device is released.
    agent.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
    out.exit = code;
    if (code !== 0) throw new Error(`vigil run exited ${code} on SIGTERM: ${stderr.join('').slice(-2000)}`);
    out.alerts = alerts().length;
    // The device is free again: `vigil capture` records a shadow read, `vigil replay` finds it.
    out.capture = await captureAndReplay();
  } finally {
    if (agent.exitCode === null) { agent.kill('SIGKILL'); await exited; }
    // For the host: `npm run demo` prints these.
    if (existsSync(ALERTS)) copyFileSync(ALERTS, '/out/alerts.json');
    busybox('rmmod', ['virtio_balloon'], true);
  }
  // With the module gone, start-up says so in one line.
  if (unload(true) !== 0) throw new Error('rmmod vigil failed after the agent stopped');
  out.noModule = openError();
  if (out.noModule !== '/dev/vigil: no such device: the vigil kernel module is not loaded (insmod vigil.ko, or set syscall.device)') throw new Error(`without the module: ${out.noModule}`);
  return out;
}
