import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../shared/falco/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
const rules = join(dir, 'cat.yaml');
writeFileSync(rules, `- rule: cat opens
  desc: cat opening files
  condition: evt.type=open and proc.name=cat
  output: "cat opened %fd.name (parent=%proc.pname flags=%evt.arg.flags user=%user.name)"
  priority: WARNING
  tags: [demo]
`);
const vigil = (...args: string[]) => spawnSync(process.execPath, [VIGIL, ...args], { encoding: 'utf8' });

// Times are the capture's exact nanoseconds, as Falco prints them (an earlier cut rounded them through a double).
test('replaying cat_write.scap fires the open rule exactly as current Falco does', () => {
  const r = vigil('replay', join(SHARED, 'captures/cat_write.scap'), '-r', rules);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    '16:17:57.881785348: Warning cat opened /etc/ld.so.cache (parent=bash flags=O_RDONLY|O_CLOEXEC user=mstemm)',
    '16:17:57.881799840: Warning cat opened /lib/x86_64-linux-gnu/libc.so.6 (parent=bash flags=O_RDONLY|O_CLOEXEC user=mstemm)',
    '16:17:57.882008208: Warning cat opened /usr/lib/locale/locale-archive (parent=bash flags=O_RDONLY|O_CLOEXEC user=mstemm)',
    '16:17:57.882054739: Warning cat opened /dev/null (parent=bash flags=O_RDONLY user=mstemm)',
  ]);
});

test('--json prints Falco JSON lines', () => {
  const r = vigil('replay', join(SHARED, 'captures/cat_write.scap'), '-r', rules, '--json', '-o', 'hostname=node-1');
  assert.equal(r.status, 0, r.stderr);
  const first = JSON.parse(r.stdout.split('\n')[0]);
  assert.deepEqual(first, {
    hostname: 'node-1', output: 'cat opened /etc/ld.so.cache (parent=bash flags=O_RDONLY|O_CLOEXEC user=mstemm)',
    output_fields: { 'evt.arg.flags': 'O_RDONLY|O_CLOEXEC', 'fd.name': '/etc/ld.so.cache', 'proc.pname': 'bash', 'user.name': 'mstemm' },
    priority: 'Warning', rule: 'cat opens', source: 'syscall', tags: ['demo'], time: '2016-08-04T16:17:57.881785348Z',
  });
});

test('audit events replay through the bundled rules: the privileged pod alerts, the plain pod does not', () => {
  const priv = vigil('replay', join(SHARED, 'k8s_audit/create_nginx_pod_privileged.json'));
  assert.equal(priv.status, 0, priv.stderr);
  assert.match(priv.stdout, /^14:09:12\.581541000: Warning Privileged pod created \(user=system:serviceaccount:kube-system:replicaset-controller pod=nginx-deployment-5cdcc99dbf-rgw6z ns=default /);
  const plain = vigil('replay', join(SHARED, 'k8s_audit/create_nginx_pod_unprivileged.json'));
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stdout, '');
});

test('a broken rules file is one line naming file:line:col, exit 2', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, '- rule: x\n  desc: d\n  condition: proc.nmae = bash\n  output: o\n  priority: WARNING\n');
  const r = vigil('replay', join(SHARED, 'captures/cat_write.scap'), '-r', bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`${bad.replace(/[.]/g, '\\.')}:3:14: error \\w+: .*proc\\.nmae`));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('a truncated capture delivers the alerts before the damage, then names the block offset', () => {
  const raw = gunzipSync(readFileSync(join(SHARED, 'captures/cat_write.scap')));
  const cut = join(dir, 'cut.scap');
  writeFileSync(cut, raw.subarray(0, Math.floor(raw.length * 0.97)));
  const r = vigil('replay', cut, '-r', rules);
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout.trim().split('\n').length, 4, 'the opens happen before the cut');
  assert.match(r.stderr, /^vigil replay: scap: bad block at offset \d+: truncated block/);
});
