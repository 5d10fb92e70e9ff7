import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateSet, TemplateError, goFloat } from '../../scripts/deploy/gotemplate.js';
import { mergeValues } from '../../scripts/deploy/helm-template.js';

const render = (src: string, dot: unknown, defs = '') => {
  const s = new TemplateSet();
  if (defs) s.add('defs.tpl', defs);
  s.add('t', src);
  return s.render('t', dot);
};

test('trim markers remove whitespace on their side only, as in Go', () => {
  assert.equal(render('a  {{- .x -}}  b', { x: 1 }), 'a1b');
  assert.equal(render('a  {{ .x -}}\n  b', { x: 1 }), 'a  1b');
  assert.equal(render('a\n  {{- if .x }}\nyes\n{{- end }}', { x: true }), 'a\nyes');
});

test('Go truthiness, else-if chains, with and range over sorted map keys', () => {
  const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
  assert.equal(render(t, { a: [], b: {} }), 'C');
  assert.equal(render(t, { a: 0, b: 'x' }), 'B');
  assert.equal(render('{{ with .m }}{{ .k }}{{ else }}none{{ end }}', { m: {} }), 'none');
  assert.equal(render('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1 } }), 'a=1;b=2;');
});

test('helm functions: include, default, quote, toYaml|nindent, printf, trunc, trimSuffix, required', () => {
  const defs = '{{- define "n" -}}{{ printf "%s-%s" .a .b | trunc 5 | trimSuffix "-" }}{{- end -}}';
  assert.equal(render('{{ include "n" . }}', { a: 'abcd', b: 'x' }, defs), 'abcd');
  assert.equal(render('{{ default "d" .v | quote }}', { v: '' }), '"d"');
  assert.equal(render('x:{{ toYaml .m | nindent 2 }}', { m: { b: [1], a: 'z' } }), 'x:\n  a: z\n  b:\n  - 1');
  assert.throws(() => render('{{ required "need v" .v }}', {}), /need v/);
  assert.throws(() => render('{{ lookup "v1" "Pod" "" "" }}', {}), TemplateError);
});

test('numbers print as Go float64 %v does (Helm values are float64)', () => {
  assert.deepEqual([8765, 100000, 1000000, 1000000000, 0.5, 1.5e-5, 123456.5].map(goFloat),
    ['8765', '100000', '1e+06', '1e+09', '0.5', '1.5e-05', '123456.5']);
  assert.equal(render('{{ .n }} {{ .n | int64 }}', { n: 1000000000 }), '1e+09 1000000000');
});

test('values merge like helm -f: maps deeply, lists replaced, null deletes', () => {
  assert.deepEqual(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null }), { a: { b: 1, c: [3] } });
});
