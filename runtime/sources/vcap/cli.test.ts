// `vigil replay FILE.vcap` end to end through bin/vigil.mjs: the compiled WASM filter (default) and
// the interpreter print the same alerts; a damaged capture still prints the alerts before the damage,
// then one line naming the byte offset, exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, story, STORY_RULES } from '../../filter/test-records.js';
import { VcapWriter } from './writer.js';

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-vcap-cli-'));
const rules = join(dir, 'story.yaml');
writeFileSync(rules, STORY_RULES);
const vigil = (...args: string[]) => spawnSync(process.execPath, [VIGIL, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });

const EXPECTED = [
  '22:13:20.000001003: Warning cat read /etc/shadow (parent=bash cmd=cat /etc/shadow container=abcdef012345 user=<NA>)',
  '22:13:20.000001004: Notice open /home/u/notes.txt flags=O_WRONLY|O_CREAT|O_TRUNC',
  '22:13:20.000001005: Informational closed /etc/shadow (3)',
];

test('vigil replay of a gzip\'d .vcap prints the alerts, exact strings, with either engine', async () => {
  const f = join(dir, 'story.vcap.gz');
  const w = await VcapWriter.open(f, { bootToEpochNs: 1_700_000_000_000_000_000n });
  w.write(story());
  await w.close();
  for (const engine of ['wasm', 'interp']) {
    const r = vigil('replay', f, '-r', rules, '--engine', engine);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), EXPECTED, engine);
  }
  const j = vigil('replay', f, '-r', rules, '--engine', 'interp', '--json', '-o', 'hostname=h1');
  const first = JSON.parse(j.stdout.split('\n')[0]);
  assert.equal(first.time, '2023-11-14T22:13:20.000001003Z');
  assert.equal(first.rule, 'shadow read');
  assert.equal(first.hostname, 'h1');
});

test('a cut .vcap: alerts of the whole records, then one error line with the byte offset, exit 2', async () => {
  const f = join(dir, 'cut.vcap');
  const w = await VcapWriter.open(f, { bootToEpochNs: 1_700_000_000_000_000_000n });
  // Cut inside the second story's first record: the first story is whole.
  const full = concat([story(), story()]);
  w.write(full);
  await w.close();
  const { truncateSync, statSync } = await import('node:fs');
  const size = statSync(f).size;
  truncateSync(f, size - full.length / 2 + 40);
  const r = vigil('replay', f, '-r', rules, '--engine', 'interp');
  assert.equal(r.status, 2);
  assert.deepEqual(r.stdout.trim().split('\n'), EXPECTED);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^vigil replay: ${f.replace(/[.]/g, '\\.')} at byte offset ${size - full.length / 2}: truncated record \\(40 of at least 96 bytes\\)`));
});
