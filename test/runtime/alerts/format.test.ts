import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, TemplateError } from '../../../runtime/alerts/template.js';
import { clockTime, makeAlert, rfc3339Nano } from '../../../runtime/alerts/alert.js';
import { jsonLine, textLine } from '../../../runtime/alerts/format.js';
import { decodeAlert, encodeAlert, loadProtobuf } from '../../../runtime/alerts/proto.js';
import { meetsMinimum, parsePriority } from '../../../runtime/alerts/priority.js';

const values: Record<string, string> = {
  'fd.name': '/etc/shadow', 'proc.name': 'cat', 'proc.cmdline': 'cat /etc/shadow', 'user.name': 'root',
  'proc.aname[2]': 'bash', 'evt.arg.flags': 'O_RDONLY|O_CLOEXEC', 'evt.type': 'openat',
};
const resolve = (f: string, a: string | undefined) => values[a === undefined ? f : `${f}[${a}]`];
// 2026-11-22T22:14:48.000001234Z
const T = 1795385688000001234n;

test('template: fields, args, <NA>, trailing full stop, width and transformers', () => {
  const t = compileTemplate('*Opened %fd.name by %proc.name (gp=%proc.aname[2] flags=%evt.arg.flags ns=%k8s.ns.name). [%6proc.name|%2user.name] %toupper(proc.name) %basename(fd.name)');
  const r = t.render(resolve);
  assert.equal(r.output, 'Opened /etc/shadow by cat (gp=bash flags=O_RDONLY|O_CLOEXEC ns=<NA>). [cat   |ro] CAT shadow');
  assert.deepEqual(t.fieldKeys, ['fd.name', 'proc.name', 'proc.aname[2]', 'evt.arg.flags', 'k8s.ns.name', 'user.name']);
  assert.equal(r.complete, true);
  assert.equal(r.fields['k8s.ns.name'], null);
  assert.equal(r.fields['proc.aname[2]'], 'bash');
  assert.deepEqual(Object.keys(r.fields), t.fieldKeys);
  assert.equal(compileTemplate('x %fd.name.').render(resolve).output, 'x /etc/shadow.');
});

test('template: without a leading * a missing value marks the render incomplete', () => {
  const r = compileTemplate('%proc.name %container.id').render(resolve);
  assert.equal(r.output, 'cat <NA>');
  assert.equal(r.complete, false);
});

test('template: syntax errors name the column', () => {
  assert.throws(() => compileTemplate('abc %'), (e: unknown) => e instanceof TemplateError && e.offset === 4);
  assert.throws(() => compileTemplate('x %proc.aname[2'), /unclosed '\['/);
  assert.throws(() => compileTemplate('x %toupper(proc.name'), /unclosed '\('/);
  assert.throws(() => compileTemplate('100% sure'), /invalid field name/);
});

test('text and JSON lines match Falco byte for byte', () => {
  const rule = { name: 'Read sensitive file untrusted', priority: 'Warning' as const, source: 'syscall', tags: ['filesystem', 'mitre_credential_access'],
    output: compileTemplate('Sensitive file opened for reading (file=%fd.name command=%proc.cmdline container=%container.id)') };
  const a = makeAlert(rule, T, 'node-1', resolve);
  assert.equal(textLine(a, { utc: true }), '22:14:48.000001234: Warning Sensitive file opened for reading (file=/etc/shadow command=cat /etc/shadow container=<NA>)');
  assert.equal(textLine(a, { iso8601: true }), '2026-11-22T22:14:48.000001234+0000: Warning Sensitive file opened for reading (file=/etc/shadow command=cat /etc/shadow container=<NA>)');
  assert.equal(jsonLine(a),
    '{"hostname":"node-1","output":"Sensitive file opened for reading (file=/etc/shadow command=cat /etc/shadow container=<NA>)",' +
    '"output_fields":{"container.id":null,"fd.name":"/etc/shadow","proc.cmdline":"cat /etc/shadow"},' +
    '"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["filesystem","mitre_credential_access"],' +
    '"time":"2026-11-22T22:14:48.000001234Z"}');
  assert.equal(jsonLine(a, { includeOutput: false, includeTags: false }),
    '{"hostname":"node-1","output_fields":{"container.id":null,"fd.name":"/etc/shadow","proc.cmdline":"cat /etc/shadow"},' +
    '"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","time":"2026-11-22T22:14:48.000001234Z"}');
  assert.equal(rfc3339Nano(0n), '1970-01-01T00:00:00.000000000Z');
});

test('protobuf round trip through proto/vigil.proto', async () => {
  await loadProtobuf();
  const rule = { name: 'R', priority: 'Critical' as const, source: 'k8s_audit', tags: ['k8s'], output: compileTemplate('u=%user.name c=%container.id') };
  const a = makeAlert(rule, T, 'h', resolve);
  const buf = encodeAlert(a);
  assert.ok(buf.length > 20);
  assert.deepEqual(decodeAlert(buf), a);
});

test('priorities parse in any case and compare by severity', () => {
  assert.equal(parsePriority('WARNING'), 'Warning');
  assert.equal(parsePriority('info'), 'Informational');
  assert.equal(parsePriority('loud'), undefined);
  assert.ok(meetsMinimum('Critical', 'Warning'));
  assert.ok(!meetsMinimum('Notice', 'Warning'));
});

test('template property: literal text survives and each field reference is replaced by its value', async () => {
  const fc = (await import('fast-check')).default;
  const lit = fc.string({ maxLength: 20 }).filter((s) => !s.includes('%') && !s.startsWith('*'));
  const name = fc.tuple(fc.constantFrom('proc', 'fd', 'evt', 'k8s'), fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/)).map(([c, f]) => `${c}.${f}`);
  fc.assert(fc.property(lit, name, fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), lit, (a, f, v, b) => {
    const t = compileTemplate(`${a}%${f} ${b}`);
    const r = t.render((field) => (field === f ? v : undefined));
    assert.equal(r.output, `${a}${v ?? '<NA>'} ${b}`);
    assert.deepEqual(t.fieldKeys, [f]);
    assert.equal(r.complete, v !== undefined);
  }), { numRuns: 300 });
});

test('clock time: the per-second cache agrees with a fresh computation, across seconds and zones', async (t) => {
  const fc = (await import('fast-check')).default;
  const direct = (ns: bigint, utc: boolean) => {
    const d = new Date(Number(ns / 1_000_000n));
    const p = (n: number) => String(n).padStart(2, '0');
    const [h, m, s] = utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] : [d.getHours(), d.getMinutes(), d.getSeconds()];
    return `${p(h)}:${p(m)}:${p(s)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  };
  // A zone off UTC by a fraction of an hour, so local and UTC texts differ whatever the machine's zone.
  const tz = process.env.TZ;
  process.env.TZ = 'Asia/Kolkata';
  t.after(() => { if (tz === undefined) delete process.env.TZ; else process.env.TZ = tz; });
  const ns = fc.bigInt({ min: 0n, max: 4_102_444_800_000_000_000n });
  // Pairs of calls in the same second and in others, both zones, so a stale cached second shows.
  fc.assert(fc.property(ns, ns, fc.boolean(), fc.bigInt({ min: 0n, max: 999_999_999n }), (a, b, utc, frac) => {
    const sameSecond = a - (a % 1_000_000_000n) + frac;
    for (const [t, u] of [[a, utc], [sameSecond, utc], [b, utc], [a, !utc], [sameSecond, utc]] as const) {
      if (clockTime(t, u) !== direct(t, u)) return false;
    }
    return true;
  }), { numRuns: 500 });
});
