// Golden tests: every broken rule file under test/compiler/load/fixtures states, in `# expect:`
// comments, the exact diagnostics (code line:col) loading it must produce, and nothing else
// (errors and warnings). `# load-after: FILE` loads another fixture first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules, readRuleFiles } from './load.js';
import { LOAD_CODES } from './codes.js';

const dir = new URL('../../test/compiler/load/fixtures/', import.meta.url).pathname;
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'base.yaml').sort();

for (const f of fixtures) {
  test(`fixture ${f}`, () => {
    const text = readFileSync(join(dir, f), 'utf8');
    const expected = [...text.matchAll(/^# expect: (\w+) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`).sort();
    assert.ok(expected.length > 0, `${f} states no expectation`);
    const before = [...text.matchAll(/^# load-after: (\S+)$/gm)].map((m) => join(dir, m[1]));
    const { files } = readRuleFiles([...before, join(dir, f)]);
    const res = loadRules(files);
    const got = res.diagnostics
      .filter((d) => d.severity !== 'info')
      .map((d) => { assert.equal(d.span?.file, join(dir, f), `diagnostic in the wrong file: ${d.message}`); return `${d.code} ${d.span!.start.line}:${d.span!.start.col}`; })
      .sort();
    assert.deepEqual(got, expected, res.diagnostics.map((d) => d.message).join('\n'));
  });
}

test('every load code has a golden fixture, except the unreadable file (tested in load.test.ts)', () => {
  const all = fixtures.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const missing = Object.keys(LOAD_CODES).filter((c) => c !== 'LOAD_FILE_UNREADABLE' && !all.includes(`# expect: ${c} `));
  assert.deepEqual(missing, []);
});
