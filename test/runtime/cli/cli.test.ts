import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { main } from '../../../runtime/cli/main.js';
import { startServer, until } from '../outputs/helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/agent-main.ts', import.meta.url));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('help, version and per-command help', async () => {
  const h = await cli('--help');
  assert.equal(h.code, 0);
  for (const c of ['run', 'replay', 'capture', 'rules', 'version']) assert.match(h.out, new RegExp(`^  ${c} `, 'm'));
  const v = await cli('version');
  assert.match(v.out, /^vigil \d+\.\d+\.\d+ \(node /);
  const r = await cli('replay', '--help');
  assert.equal(r.code, 0);
  assert.match(r.out, /usage: vigil replay \[options\] FILE/);
  assert.match(r.out, /-o, --option VALUE/);
  assert.equal((await cli()).code, 2);
});

test('usage and config errors: one line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const cfg = join(dir, 'vigil.yaml');
  writeFileSync(cfg, 'stdout_output:\n  enabled: true\n  min_priority: loud\n');
  const cases: Array<[string[], string]> = [
    [['frobnicate'], 'vigil: unknown command "frobnicate" (commands: run, replay, capture, rules, version; see "vigil --help")'],
    [['run', '--bogus'], `vigil run: Unknown option '--bogus' (see "vigil run --help")`],
    [['run', '-c', cfg], `${cfg}:3:17: 'stdout_output.min_priority' must be one of emergency, alert, critical, error, warning, notice, informational, info, debug, got string "loud"`],
    [['run', '-o', 'json_output=maybe'], `-o json_output=maybe: 'json_output' must be true or false, got string "maybe"`],
    [['run', '-o', 'http_output.enabled=true'], `config: http_output.url must be an http(s) URL, got ''`],
    [['replay'], 'vigil replay: expected FILE (see "vigil replay --help")'],
    [['rules', 'explode'], `vigil rules: expected 'list' or 'validate', got 'explode' (see "vigil rules --help")`],
  ];
  for (const [argv, msg] of cases) {
    const r = await cli(...argv);
    assert.deepEqual([r.code, r.err], [2, msg], argv.join(' '));
  }
  // Through the real launcher: no stack trace, just the line.
  const p = spawnSync(process.execPath, [BIN, 'run', '-c', join(dir, 'missing.yaml')], { encoding: 'utf8' });
  assert.equal(p.status, 2);
  assert.equal(p.stderr, `${join(dir, 'missing.yaml')}: cannot read config: ENOENT\n`);
  rmSync(dir, { recursive: true });
});

test('rules validate delegates to the rule compiler CLI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const f = join(dir, 'r.yaml');
  writeFileSync(f, '- rule: R\n  desc: d\n  condition: evt.type = open and\n  output: o\n  priority: WARNING\n');
  const bad = await cli('rules', 'validate', f);
  assert.equal(bad.code, 1);
  assert.match(bad.out + bad.err, new RegExp(`${f.replace(/[.]/g, '\\.')}:3:\\d+`));
  writeFileSync(f, '- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o %proc.name\n  priority: WARNING\n');
  assert.equal((await cli('rules', 'validate', f)).code, 0);
  rmSync(dir, { recursive: true });
});

test('vigil run: metrics and health while running; SIGTERM drains every queued alert then exits 0', async () => {
  const srv = await startServer();
  srv.delayMs = 100; // 20 alerts take ~2 s to drain, so some are surely still queued at SIGTERM
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, 'run',
    '-o', 'stdout_output.enabled=false', '-o', 'http_output.enabled=true', '-o', `http_output.url=${srv.url}`,
    '-o', 'webserver.listen_port=0', '-o', 'shutdown_timeout_ms=10000'],
  { env: { ...process.env, VIGIL_TEST_MATCHES: '20' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => { err += c; });
  await until(() => /"msg":"ops server listening"/.test(err), 15000);
  const port = JSON.parse(err.split('\n').find((l) => l.includes('ops server listening'))!).port as number;
  const health = await request(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.statusCode, 200);
  assert.equal(await health.body.text(), '{"status":"ok"}');
  const metrics = await (await request(`http://127.0.0.1:${port}/metrics`)).body.text();
  assert.ok(metrics.includes('vigil_events_read_total 20\n'), metrics);
  assert.ok(metrics.includes('vigil_rule_matches_total{rule="Test rule"} 20\n'));
  assert.ok(srv.received.length < 20, 'alerts should still be queued when SIGTERM arrives');
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0, err);
  assert.equal(srv.received.length, 20);
  assert.deepEqual(srv.received.map((r) => JSON.parse(r.body.toString()).output), Array.from({ length: 20 }, (_, i) => `event ${i + 1} by sh`));
  assert.match(err, /"msg":"shutdown complete"/);
  await srv.close();
});
