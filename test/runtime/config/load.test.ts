import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../../runtime/config/load.js';
import { allKeys } from '../../../runtime/config/schema.js';

const err = (f: () => unknown): string => {
  try { f(); } catch (e) { assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`); return (e as Error).message; }
  assert.fail('expected a ConfigError');
};

test('defaults work with no file: stdout on, default rules dir', () => {
  const c = loadConfig();
  assert.equal(c.stdout_output.enabled, true);
  assert.deepEqual(c.rules_files, ['/etc/vigil/rules.d']);
  assert.equal(c.http_output.enabled, false);
  assert.equal(c.webserver.listen_port, 8765);
  assert.equal(c.slack_output.min_priority, 'warning');
});

test('file values and -o overrides (dotted paths, list indices, YAML values)', () => {
  const text = 'json_output: false\nrules_files:\n  - /a.yaml\n  - /b.yaml\nhttp_output:\n  enabled: true\n  url: http://x/\n  headers: {x-token: abc}\n';
  const c = loadConfig({ file: 'v.yaml', text, overrides: ['json_output=true', 'rules_files[1]=/c.yaml', 'rules_files[2]=/d.yaml', 'http_output.headers.x-env=prod', 'syslog_output.port=1514', 'log.level=DEBUG'] });
  assert.equal(c.json_output, true);
  assert.deepEqual(c.rules_files, ['/a.yaml', '/c.yaml', '/d.yaml']);
  assert.deepEqual(c.http_output.headers, { 'x-token': 'abc', 'x-env': 'prod' });
  assert.equal(c.syslog_output.port, 1514);
  assert.equal(c.log.level, 'debug');
  assert.equal(c.http_output.timeout_ms, 10000);
  assert.deepEqual(loadConfig({ overrides: ['rules_files=[/x, /y]'] }).rules_files, ['/x', '/y']);
});

test('bad configs: one line naming file:line:col', () => {
  assert.equal(err(() => loadConfig({ file: 'v.yaml', text: 'stdout_output:\n  enabled: true\nstdout_ouput: {}\n' })),
    "v.yaml:3:1: unknown key 'stdout_ouput' (did you mean 'stdout_output'?)");
  assert.equal(err(() => loadConfig({ file: 'v.yaml', text: 'syslog_output:\n  enabled: true\n  port: 70000\n' })),
    "v.yaml:3:9: 'syslog_output.port' must be <= 65535, got number 70000");
  assert.equal(err(() => loadConfig({ file: 'v.yaml', text: 'json_output: yes please\n' })),
    "v.yaml:1:14: 'json_output' must be true or false, got string \"yes please\"");
  assert.equal(err(() => loadConfig({ file: 'v.yaml', text: 'http_output:\n  format: xml\n' })),
    "v.yaml:2:11: 'http_output.format' must be one of json, protobuf, got string \"xml\"");
  assert.equal(err(() => loadConfig({ file: 'v.yaml', text: 'rules_files:\n  - /a\n  - {x: 1}\n' })),
    "v.yaml:3:5: 'rules_files[1]' must be a string, got a mapping");
  const bad = err(() => loadConfig({ file: 'v.yaml', text: 'a: [1, 2\nb: 3\n' }));
  assert.match(bad, /^v\.yaml:\d+:\d+: invalid YAML: /);
  assert.equal(bad.includes('\n'), false);
  assert.match(err(() => loadConfig({ file: 'v.yaml', text: 'a: 1\na: 2\n' })), /^v\.yaml:2:1: invalid YAML: .*unique/i);
  assert.equal(err(() => loadConfig({ file: 'v.yaml', text: '- 1\n' })), 'v.yaml:1:1: the config must be a mapping of keys');
});

test('bad overrides and unreadable files: one line too', () => {
  assert.equal(err(() => loadConfig({ overrides: ['webserver.listen_port=abc'] })),
    "-o webserver.listen_port=abc: 'webserver.listen_port' must be an integer, got string \"abc\"");
  assert.equal(err(() => loadConfig({ overrides: ['nokey'] })), '-o nokey: expected key=value');
  assert.equal(err(() => loadConfig({ overrides: ['rules_files[5]=/x'] })), '-o rules_files[5]=/x: index 5 is past the end of the list (length 1)');
  assert.equal(err(() => loadConfig({ overrides: ['bogus.key=1'] })), "-o bogus.key=1: unknown key 'bogus'");
  assert.equal(err(() => loadConfig({ file: '/nonexistent/vigil.yaml' })), '/nonexistent/vigil.yaml: cannot read config: ENOENT');
});

test('a real file on disk loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
  const f = join(dir, 'vigil.yaml');
  writeFileSync(f, 'file_output:\n  enabled: true\n  filename: /tmp/x.txt\n');
  assert.equal(loadConfig({ file: f }).file_output.filename, '/tmp/x.txt');
  writeFileSync(f, 'file_output:\n  enabled: 3\n');
  assert.equal(err(() => loadConfig({ file: f })), `${f}:2:12: 'file_output.enabled' must be true or false, got number 3`);
  rmSync(dir, { recursive: true });
});

test('README documents every key', () => {
  const readme = readFileSync(new URL('../../../runtime/config/README.md', import.meta.url), 'utf8');
  for (const [k] of allKeys()) assert.ok(readme.includes('`' + k + '`'), `README lacks ${k}`);
});
