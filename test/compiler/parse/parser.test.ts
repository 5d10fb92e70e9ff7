import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCondition } from '../../../compiler/parse/parser.js';
import { plainSource } from '../../../compiler/parse/span.js';
import type { CondNode } from '../../../compiler/parse/ast.js';

/** A compact rendering of the AST so each golden is one readable string. */
function show(n: CondNode): string {
  const v = (x: any): string => x.k === 'field' ? `${x.name}${x.arg ? `[${x.arg.text}]` : ''}` : x.k === 'lit' ? JSON.stringify(x.value.text) : `${x.name}(${x.param ? `${JSON.stringify(x.param.text)};` : ''}${x.args.map(v).join(',')})`;
  switch (n.k) {
    case 'and': case 'or': return `(${n.k} ${n.args.map(show).join(' ')})`;
    case 'not': return `(not ${show(n.arg)})`;
    case 'ref': return `@${n.name}`;
    case 'const': return String(n.value);
    case 'check': {
      const r = n.rhs;
      const rhs = !r ? '' : r.k === 'value' ? ` ${r.value.quoted ? JSON.stringify(r.value.text) : r.value.text}` : r.k === 'list' ? ` [${r.items.map((i) => (i.quoted ? JSON.stringify(i.text) : i.text)).join(',')}]` : r.k === 'listref' ? ` @${r.name}` : ` ${v(r.value)}`;
      return `{${n.quant ? `${n.quant} ` : ''}${v(n.lhs)} ${n.op}${rhs}}`;
    }
  }
}
const parse = (s: string) => { const r = parseCondition(plainSource(s)); assert.deepEqual(r.diagnostics, [], s); return show(r.ast!); };
const fail = (s: string) => { const r = parseCondition(plainSource(s)); assert.equal(r.ast, undefined, s); assert.equal(r.diagnostics[0].code, 'COND_SYNTAX'); return r.diagnostics[0]; };

const GOLDEN: Array<[string, string, string]> = [
  ['precedence: not > and > or', 'a or not b and c', '(or @a (and (not @b) @c))'],
  ['parentheses', '(a or b) and c', '(and (or @a @b) @c)'],
  ['not( without a blank', 'not(a)', '(not @a)'],
  ['double not', 'not not a', '(not (not @a))'],
  ['= and ==', 'proc.name=sh and proc.name == bash', '(and {proc.name = sh} {proc.name == bash})'],
  ['!= < <= > >=', 'fd.num != 1 and fd.num < 2 and fd.num <= 3 and fd.num > 4 and fd.num >= 5', '(and {fd.num != 1} {fd.num < 2} {fd.num <= 3} {fd.num > 4} {fd.num >= 5})'],
  ['string operators', 'fd.name contains a or fd.name icontains B or fd.name startswith /etc or fd.name endswith .sh', '(or {fd.name contains a} {fd.name icontains B} {fd.name startswith /etc} {fd.name endswith .sh})'],
  ['byte operators', 'evt.buffer bcontains 7f454c46 and evt.buffer bstartswith 7f45', '(and {evt.buffer bcontains 7f454c46} {evt.buffer bstartswith 7f45})'],
  ['glob iglob regex', "fd.name glob '/home/*/.ssh/*' or fd.name iglob *.PEM or fd.name regex '^/tmp/[a-z]+$'", '(or {fd.name glob "/home/*/.ssh/*"} {fd.name iglob *.PEM} {fd.name regex "^/tmp/[a-z]+$"})'],
  ['in with list literal', 'proc.name in (sh, "a b", runc:[0:PARENT])', '{proc.name in [sh,"a b",runc:[0:PARENT]]}'],
  ['in with empty list', 'proc.name in ()', '{proc.name in []}'],
  ['in with a bare list name', 'proc.name in shell_binaries', '{proc.name in @shell_binaries}'],
  ['intersects and pmatch', 'proc.args intersects (-V, -l) and fd.name pmatch (/etc, /usr/bin)', '(and {proc.args intersects [-V,-l]} {fd.name pmatch [/etc,/usr/bin]})'],
  ['exists', 'proc.pname exists and not k8s.ns.name exists', '(and {proc.pname exists} (not {k8s.ns.name exists}))'],
  ['field index argument', 'proc.aname[2] = sh', '{proc.aname[2] = sh}'],
  ['field key argument', 'proc.env[HOME] = /root', '{proc.env[HOME] = /root}'],
  ['quoted field argument', "proc.env['MY VAR'] exists", '{proc.env[MY VAR] exists}'],
  ['evt.arg dotted key', 'evt.arg.flags contains O_CREAT', '{evt.arg.flags contains O_CREAT}'],
  ['quotes and escapes', `proc.cmdline = "say \\"hi\\"\\tthere" or proc.name = 'it\\'s'`, '(or {proc.cmdline = "say \\"hi\\"\\tthere"} {proc.name = "it\'s"})'],
  ['bare values: paths, ips, cidrs, globs', 'fd.sip = 10.0.0.1 and fd.net = 10.0.0.0/8 and fd.name = /var/log/*.log', '(and {fd.sip = 10.0.0.1} {fd.net = 10.0.0.0/8} {fd.name = /var/log/*.log})'],
  ['transformers and nesting', 'toupper(tolower(proc.name)) = SH', '{toupper(tolower(proc.name)) = SH}'],
  ['b64 basename len', 'b64(proc.args) contains x and basename(proc.exe) = sh and len(proc.args) > 3', '(and {b64(proc.args) contains x} {basename(proc.exe) = sh} {len(proc.args) > 3})'],
  ['join concat getopt', `join(',', proc.args) = 'a,b' and concat(proc.name, ":", proc.pname) = a:b and getopt(c, proc.args) = ls`, '(and {join(",";proc.args) = "a,b"} {concat(proc.name,":",proc.pname) = a:b} {getopt("c";proc.args) = ls})'],
  ['val on the right', 'proc.name = val(proc.pname)', '{proc.name = val(proc.pname)}'],
  ['quantifiers', 'anyof fd.types = ipv4 and allof fd.types in (ipv4, ipv6) and oneof proc.aname = sh', '(and {anyof fd.types = ipv4} {allof fd.types in [ipv4,ipv6]} {oneof proc.aname = sh})'],
  ['macro named like a quantifier', 'anyof and b', '(and @anyof @b)'],
  ['multi-line text', 'a\n  and (b\n   or c)', '(and @a (or @b @c))'],
];

for (const [name, input, want] of GOLDEN) test(`parse: ${name}`, () => assert.equal(parse(input), want));

test('syntax errors point at line:col of the offending text', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['a and', 1, 6, /expected a field, a macro name/],
    ['(a or b', 1, 8, /expected '\)' to close the '\(' at 1:1/],
    ['proc.name =', 1, 12, /expected a value/],
    ['proc.name in (a, b', 1, 19, /in the list opened at 1:14/],
    ['proc.name\n  bogus x', 2, 3, /unknown operator 'bogus'/],
    ["proc.name = 'abc", 1, 13, /unterminated string/],
    ['a b', 1, 3, /expected 'and', 'or'/],
    ['', 1, 1, /empty condition/],
    ['proc.aname[2 = x', 1, 14, /expected '\]'/],
    ['tolower(3)', 1, 9, /expected a field or a transformer/],
    ['notafield = 3', 1, 11, /expected 'and', 'or'/],
  ];
  for (const [input, line, col, msg] of cases) {
    const d = fail(input);
    assert.equal(`${d.span!.start.line}:${d.span!.start.col}`, `${line}:${col}`, input);
    assert.match(d.message, msg, input);
  }
});

test('nesting deeper than the cap is an error, not a stack overflow', () => {
  const d = fail(`${'('.repeat(5000)}a${')'.repeat(5000)}`);
  assert.match(d.message, /nested more than 100 levels/);
  assert.equal(parse(`${'('.repeat(50)}a${')'.repeat(50)}`), '@a');
});

test('spans cover the node text', () => {
  const r = parseCondition(plainSource('x and\n  proc.name in (a, b)'));
  const chk = (r.ast as Extract<CondNode, { k: 'and' }>).args[1] as Extract<CondNode, { k: 'check' }>;
  assert.deepEqual([chk.span.start.line, chk.span.start.col, chk.span.end.col], [2, 3, 22]);
  assert.deepEqual([chk.opSpan.start.col, chk.opSpan.end.col], [13, 15]);
});

const TOKENS = ['and', 'or', 'not', '(', ')', ',', '=', '!=', '<', 'in', 'contains', 'exists', 'glob', 'proc.name', 'fd.name', 'proc.aname[2]', 'evt.arg.flags',
  '"q s"', "'q'", '"unterminated', 'tolower(', 'val(', 'join(', 'anyof', 'x', '/etc', '[', ']', '10.0.0.0/8', '\\', '\n', 'macro_1'];

test('fuzz: token soup never throws and never hangs', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.array(fc.constantFrom(' ', '', '\t'), { minLength: 40, maxLength: 40 }), (toks, seps) => {
    const s = toks.map((t, i) => t + seps[i]).join('');
    const r = parseCondition(plainSource(s));
    assert.ok(r.ast !== undefined || r.diagnostics.length === 1);
    if (r.diagnostics[0]) assert.ok(r.diagnostics[0].span!.start.offset <= s.length);
  }), { numRuns: 2000 });
});

test('fuzz: mutated real conditions never throw', () => {
  const seeds = [
    "evt.type in (open, openat) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0",
    'spawned_process and container and proc.name in (shell_binaries) and not proc.pname in (runc:[0:PARENT], exe)',
    "(fd.name contains '/.ssh/' and fd.name glob '/home/*/.ssh/*') or proc.aname[2]=sshd",
    'toupper(proc.name) = val(proc.pname) and anyof fd.types in (ipv4, ipv6)',
  ];
  fc.assert(fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 6 }), (seed, muts) => {
    let s = seed;
    for (const [at, kind, str] of muts) {
      const i = at % (s.length + 1);
      s = kind === 0 ? s.slice(0, i) + s.slice(i + 1) : kind === 1 ? s.slice(0, i) + str + s.slice(i) : kind === 2 ? s.slice(0, i) : s.slice(i) + s.slice(0, i);
    }
    parseCondition(plainSource(s));
  }), { numRuns: 2000 });
});
