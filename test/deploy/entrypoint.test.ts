import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../deploy/entrypoint.sh', import.meta.url));

// A `vigil` on PATH that records how the entrypoint handed over, so the hand-off is observable.
function fakeVigilPath(): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-entry-'));
  const out = join(dir, 'argv');
  writeFileSync(join(dir, 'vigil'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${out}\n`);
  chmodSync(join(dir, 'vigil'), 0o755);
  return { dir, out };
}

// The machine running the tests may have a vigil module loaded; point the check at a list without it.
const NO_MODULES = join(mkdtempSync(join(tmpdir(), 'modules-')), 'modules');
writeFileSync(NO_MODULES, 'ext4 1 0 - Live 0x0\n');

function run(env: Record<string, string>, args: string[] = ['run', '--config', '/etc/vigil/config.yaml']) {
  return spawnSync('sh', [ENTRY, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', VIGIL_PROC_MODULES: NO_MODULES, ...env } });
}

test('an already loaded module is not rebuilt', () => {
  const { dir, out } = fakeVigilPath();
  const loaded = join(dir, 'modules');
  writeFileSync(loaded, 'vigil 16384 0 - Live 0x0\n');
  const r = run({ VIGIL_PROC_MODULES: loaded, VIGIL_HEADER_DIRS: '/nonexistent', PATH: `${dir}:${process.env.PATH}` });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /already loaded/);
  assert.equal(spawnSync('cat', [out], { encoding: 'utf8' }).stdout, 'run\n--config\n/etc/vigil/config.yaml\n');
});

test('missing kernel headers: clear error naming the kernel and where it looked, exit 3', () => {
  const empty = mkdtempSync(join(tmpdir(), 'no-headers-'));
  const r = run({ VIGIL_KERNEL_RELEASE: '6.99.0-test', VIGIL_HEADER_DIRS: `${empty}/build ${empty}/src`, VIGIL_BUILD_DIR: join(empty, 'b') });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /no kernel headers for kernel 6\.99\.0-test/);
  assert.match(r.stderr, new RegExp(`looked in: ${empty}/build ${empty}/src`));
  assert.match(r.stderr, /linux-headers-6\.99\.0-test/);
});

test('module loading disabled: hands over to vigil with its arguments', () => {
  const { dir, out } = fakeVigilPath();
  const r = run({ VIGIL_LOAD_MODULE: 'false', PATH: `${dir}:${process.env.PATH}` }, ['run', '--config', '/x.yaml']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /module loading disabled/);
  assert.equal(spawnSync('cat', [out], { encoding: 'utf8' }).stdout, 'run\n--config\n/x.yaml\n');
});

test('a headers tree whose build fails reports the build log, exit 4', () => {
  const root = mkdtempSync(join(tmpdir(), 'bad-headers-'));
  const kdir = join(root, 'build');
  mkdirSync(join(kdir, 'include/generated'), { recursive: true });
  writeFileSync(join(kdir, 'include/generated/autoconf.h'), '');
  writeFileSync(join(kdir, 'Makefile'), 'modules:\n\t@echo "fake tree: cannot build $(M)"; exit 1\n');
  const src = join(root, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'vigil.c'), '');
  const r = run({ VIGIL_KERNEL_RELEASE: '6.99.0-test', VIGIL_HEADER_DIRS: kdir, VIGIL_MODULE_SRC: src, VIGIL_BUILD_DIR: join(root, 'b') });
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /module build failed for kernel 6\.99\.0-test/);
  assert.match(r.stderr, /fake tree: cannot build/);
});

test('an invalid VIGIL_LOAD_MODULE is refused', () => {
  const r = run({ VIGIL_LOAD_MODULE: 'maybe' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /must be true or false/);
});
