// Hot reload with real files edited while records flow through a Detector: a good edit makes the new
// rule fire on the next records, a bad one (YAML, unknown field, bad condition) keeps the old rules
// firing and names file:line:col, and fixing it reloads again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterpDetector } from '../../../runtime/filter/interp-detector.js';
import { WasmDetector } from '../../../runtime/filter/wasm-detector.js';
import { story } from '../../../runtime/filter/test-records.js';
import type { Detector } from '../../../runtime/pipeline/detector.js';
import { compileRules, type CompiledRules } from '../../../runtime/pipeline/rules.js';
import { watchRules } from '../../../runtime/pipeline/reload.js';
import { recorder } from './reload-helpers.js';

const rule = (name: string, cond: string) => `- rule: ${name}
  desc: d
  condition: ${cond}
  output: "${name} %proc.name %fd.name"
  priority: WARNING
`;
const SHADOW = rule('shadow read', 'evt.type = openat and fd.name = /etc/shadow');
const CLOSE = rule('close seen', 'evt.type = close and fd.num >= 0');

/** The distinct rule names that fire on the shell/cat story. */
function fired(det: Detector): string[] {
  const names = new Set<string>();
  det.feed(story(), (m) => names.add(m.rule.name));
  return [...names].sort();
}

function setup(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

test('WASM filter: good edit fires the new rule, a broken edit keeps the old rules, a fix reloads', async () => {
  const { dir, file } = setup(SHADOW);
  const rec = recorder();
  const det = await WasmDetector.create(compileRules([dir]));
  assert.deepEqual(fired(det), ['shadow read']);
  const w = watchRules(rec.ctx, det, [dir], { debounceMs: 50, onResult: rec.onResult });
  try {
    await w.ready;
    writeFileSync(file, SHADOW + CLOSE);
    const ok = await rec.next();
    assert.ok(ok.ok, ok.errors.join('\n'));
    assert.deepEqual(fired(det), ['close seen', 'shadow read']);

    // An unterminated quote: the YAML parser's complaint, at its place in the file.
    writeFileSync(file, SHADOW + CLOSE.replace('"close seen', '"close seen\n  priority: [oops'));
    const bad = await rec.next();
    assert.equal(bad.ok, false);
    assert.match(bad.errors[0], new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: error `));
    assert.deepEqual(fired(det), ['close seen', 'shadow read'], 'the previous rules keep firing');

    writeFileSync(file, CLOSE);
    assert.ok((await rec.next()).ok);
    assert.deepEqual(fired(det), ['close seen']);

    const exposed = rec.ctx.metrics.registry.expose();
    assert.match(exposed, /vigil_rules_reload_total\{result="success"\} 2/);
    assert.match(exposed, /vigil_rules_reload_total\{result="failure"\} 1/);
  } finally { await w.close(); }
});

test('each kind of bad edit is reported one diagnostic a line with file:line:col, and the old rules stay', async () => {
  const { dir, file } = setup(SHADOW);
  const rec = recorder();
  const det = new InterpDetector(compileRules([dir]));
  const w = watchRules(rec.ctx, det, [dir], { debounceMs: 50, onResult: rec.onResult });
  try {
    await w.ready;
    const cases: Array<[string, string, RegExp]> = [
      ['YAML error', SHADOW + '- rule: x\n  desc: [unclosed\n', /rules\.yaml:\d+:\d+: error/],
      ['unknown field', SHADOW + rule('bad field', 'evt.type = openat and proc.nosuchfield = x'), /rules\.yaml:8:36: error .*proc\.nosuchfield/],
      ['bad condition', SHADOW + rule('bad cond', 'evt.type = openat and and fd.name = x'), /rules\.yaml:8:\d+: error/],
      // Found inside a macro: the place it was expanded from stays on the same line.
      ['bad macro', SHADOW + '- macro: m\n  condition: proc.nosuch = 1\n' + rule('uses m', 'evt.type = openat and m'),
        /rules\.yaml:7:\d+: error .*proc\.nosuch.*; expanded at .*rules\.yaml:10:\d+/],
    ];
    for (const [what, text, line] of cases) {
      const logsBefore = rec.logs.length;
      writeFileSync(file, text);
      const r = await rec.next();
      assert.equal(r.ok, false, what);
      assert.match(r.errors.join('\n'), line, what);
      for (const e of r.errors) assert.ok(!e.includes('\n'), `${what}: one line per diagnostic`);
      const lines = rec.logs.slice(logsBefore).filter((l) => l.msg === 'rule error').map((l) => String(l.diagnostic));
      assert.deepEqual(lines, r.errors, `${what}: each diagnostic is its own log line`);
      assert.deepEqual(fired(det), ['shadow read'], `${what}: old rules keep firing`);
    }
    assert.equal(rec.internal.filter((l) => l.startsWith('Vigil internal: rules reload rejected')).length, 4);
    writeFileSync(file, CLOSE);
    assert.ok((await rec.next()).ok);
    assert.deepEqual(fired(det), ['close seen']);
    assert.match(rec.internal.at(-1)!, /^Vigil internal: rules reloaded: Rules changed: 1 rules now loaded from .*rules\.yaml \(trigger=.*rules\.yaml\)$/);
  } finally { await w.close(); }
});

test('an editor-style save (write a temp file, rename over) and a burst of writes make one reload', async () => {
  const { dir, file } = setup(SHADOW);
  const rec = recorder();
  let compiles = 0;
  const compile = (p: string[]): CompiledRules => { compiles++; return compileRules(p); };
  const det = new InterpDetector(compileRules([dir]));
  const w = watchRules(rec.ctx, det, [file], { debounceMs: 150, onResult: rec.onResult, compile });
  try {
    await w.ready;
    for (let i = 0; i < 5; i++) writeFileSync(file, SHADOW + (i === 4 ? CLOSE : ''));
    assert.ok((await rec.next()).ok);
    assert.equal(compiles, 1);
    assert.deepEqual(fired(det), ['close seen', 'shadow read']);
    // A swap file of an editor in the directory is not a rule change; the rename over the file is.
    writeFileSync(join(dir, '.rules.yaml.swp'), 'junk');
    writeFileSync(join(dir, 'tmp.new'), SHADOW);
    renameSync(join(dir, 'tmp.new'), file);
    assert.ok((await rec.next()).ok);
    assert.deepEqual(fired(det), ['shadow read']);
    assert.equal(compiles, 2);
  } finally { await w.close(); }
});

test('a new rule file dropped into a watched directory loads', async () => {
  const { dir } = setup(SHADOW);
  const rec = recorder();
  const det = new InterpDetector(compileRules([dir]));
  const w = watchRules(rec.ctx, det, [dir], { debounceMs: 50, onResult: rec.onResult });
  try {
    await w.ready;
    writeFileSync(join(dir, 'zz-more.yaml'), CLOSE);
    const r = await rec.next();
    assert.ok(r.ok);
    assert.equal(r.rules!.files.length, 2);
    assert.deepEqual(fired(det), ['close seen', 'shadow read']);
  } finally { await w.close(); }
});

test('config file: a new rules_files list is watched and loaded; a broken config keeps the running rules', async () => {
  const a = setup(SHADOW);
  const b = setup(CLOSE);
  const cfg = join(a.dir, 'vigil.yaml');
  writeFileSync(cfg, `rules_files: [${a.file}]\n`);
  const rec = recorder({ config: cfg });
  const det = new InterpDetector(compileRules(rec.ctx.config.rules_files));
  const w = watchRules(rec.ctx, det, rec.ctx.config.rules_files, { debounceMs: 50, onResult: rec.onResult });
  try {
    await w.ready;
    writeFileSync(cfg, `rules_files: [${b.file}]\n`);
    assert.ok((await rec.next()).ok);
    assert.deepEqual(fired(det), ['close seen']);
    // The new file is watched now.
    writeFileSync(b.file, CLOSE + SHADOW);
    assert.ok((await rec.next()).ok);
    assert.deepEqual(fired(det), ['close seen', 'shadow read']);

    writeFileSync(cfg, `rules_files: [${b.file}]\npriority: loudest\n`);
    const bad = await rec.next();
    assert.equal(bad.ok, false);
    assert.equal(bad.errors.length, 1);
    assert.match(bad.errors[0], new RegExp(`^${cfg.replace(/[.]/g, '\\.')}:2:\\d+: .*priority`));
    assert.deepEqual(fired(det), ['close seen', 'shadow read']);

    writeFileSync(cfg, `rules_files: [${b.file}]\nlog:\n  level: warn\n`);
    assert.ok((await rec.next()).ok);
    assert.ok(rec.logs.some((l) => l.msg === 'config keys changed that apply only after a restart' && JSON.stringify(l.keys) === '["log"]'));
  } finally { await w.close(); }
});
