// The regex automaton accepts exactly what the reference interpreter's whole-value RegExp accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRegex, dfaMatch, RegexUnsupported } from './regex.js';

const te = new TextEncoder();
const whole = (p: string) => new RegExp(`^(?:${p})$`, 'u');

const PATTERNS = [
  '(^| )(install|i|add|ci|update|upgrade)( |$)',
  '(^| )0?[2467][0-7][0-7][0-7]( |$)',
  'a*b+c?', '(ab|a)*', '[^/]+\\.so(\\.[0-9]+)*', '.*\\.(sh|py)', 'x{2,3}y{2}z{1,}', '\\d+\\s\\w*', '[\\d.-]+', '', 'é.', '[^a-c]x', '(?:foo|bar)?baz', '^abc$', 'a^b', 'a$|b',
];

test('regex automaton = RegExp on the whole value, for generated inputs', () => {
  const alphabet = fc.constantFrom('a', 'b', 'c', 'x', 'y', 'z', ' ', '0', '2', '4', '7', '9', '.', '/', 'i', 'n', 's', 't', 'l', 'u', 'p', 'd', 'e', 'é', '\n', 'so', 'sh', 'foo', 'bar', 'baz', 'install', 'add');
  for (const p of PATTERNS) {
    const d = compileRegex(p), re = whole(p);
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 12 }), (parts) => {
      const s = parts.join('');
      assert.equal(dfaMatch(d, te.encode(s)), re.test(s), `${JSON.stringify(p)} on ${JSON.stringify(s)}`);
    }), { numRuns: 400 });
  }
});

test('known answers', () => {
  const m = (p: string, s: string) => dfaMatch(compileRegex(p), te.encode(s));
  assert.equal(m('(^| )(install|i|add)( |$)', 'install'), true);
  assert.equal(m('(^| )(install|i|add)( |$)', ' add '), true);
  assert.equal(m('(^| )(install|i|add)( |$)', 'x add'), false); // whole value: the leading x cannot be consumed
  assert.equal(m('.', 'é'), true);
  assert.equal(m('.', '\n'), false);
  assert.equal(m('[^a]', 'é'), true);
});

test('constructs without an automaton are rejected with a reason', () => {
  for (const p of ['(a)\\1', '(?=a)a', '\\bword', '(?<n>a)', '(a', '[a-', '*a']) assert.throws(() => compileRegex(p), RegexUnsupported, p);
});
