import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordError } from '../decode/record.js';
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { Match } from '../outputs/delivery.js';
import { InterpDetector } from './interp-detector.js';
import { alertOf, rec, rulesFrom, story, STORY_RULES } from './test-records.js';

const rules = rulesFrom(STORY_RULES);

test('records through state and the interpreter give the alerts with state-resolved output fields', () => {
  const d = new InterpDetector(rules);
  d.seeds.user({ uid: 1000, name: 'alice' });
  d.seeds.thread({ tid: 100, pid: 100, ppid: 1, comm: 'bash', exe: '/bin/bash', exepath: '/bin/bash', args: ['-i'], cwd: '/home/u/', env: [], uid: 1000, gid: 1000, loginuid: 1000, tty: 0, containerId: 'host' });
  const buf = story();
  const ms: Match[] = [];
  assert.equal(d.feed(buf, (m) => ms.push(m)), buf.length);
  assert.deepEqual(ms.map((m) => [m.rule.name, m.timeNs]), [['shadow read', 1003n], ['any open by cat', 1003n], ['any open by cat', 1004n], ['close', 1005n]]);
  const d2 = new InterpDetector(rules);
  d2.seeds.user({ uid: 1000, name: 'alice' });
  d2.seeds.thread({ tid: 100, pid: 100, ppid: 1, comm: 'bash', exe: '/bin/bash', exepath: '/bin/bash', args: ['-i'], cwd: '/home/u/', env: [], uid: 1000, gid: 1000, loginuid: 1000, tty: 0, containerId: 'host' });
  const alerts: string[] = [];
  d2.feed(buf, (m) => alerts.push(alertOf(m)));
  assert.deepEqual(alerts, [
    'shadow read|cat read /etc/shadow (parent=bash cmd=cat /etc/shadow container=abcdef012345 user=alice)|{"container.id":"abcdef012345","fd.name":"/etc/shadow","proc.cmdline":"cat /etc/shadow","proc.name":"cat","proc.pname":"bash","user.name":"alice"}',
    'any open by cat|open /etc/shadow flags=O_RDONLY|{"evt.arg.flags":"O_RDONLY","fd.name":"/etc/shadow"}',
    'any open by cat|open /home/u/notes.txt flags=O_WRONLY|O_CREAT|O_TRUNC|{"evt.arg.flags":"O_WRONLY|O_CREAT|O_TRUNC","fd.name":"/home/u/notes.txt"}',
    'close|closed /etc/shadow (3)|{"fd.name":"/etc/shadow","fd.num":"3"}',
  ]);
});

test('rule_matching first stops at the first rule of an event; all reports every rule', () => {
  const count = (mode: 'first' | 'all') => { let n = 0; new InterpDetector(rules, { ruleMatching: mode }).feed(story(), () => n++); return n; };
  assert.equal(count('all'), 4);
  assert.equal(count('first'), 3);
});

test('a trailing partial record is left for the next call; the split changes nothing', () => {
  const buf = story();
  const whole: string[] = [];
  new InterpDetector(rules).feed(buf, (m) => whole.push(alertOf(m)));
  for (const cut of [1, 95, 96, 97, 200, buf.length - 1]) {
    const d = new InterpDetector(rules);
    const got: string[] = [];
    const used = d.feed(buf.subarray(0, cut), (m) => got.push(alertOf(m)));
    assert.ok(used <= cut);
    d.feed(buf.subarray(used), (m) => got.push(alertOf(m)));
    assert.deepEqual(got, whole, `cut at ${cut}`);
  }
});

test('a malformed record throws RecordError with its offset in the buffer', () => {
  const good = rec('close', { tid: 1, pid: 1 }, { res: 0, fd: 1 });
  const bad = rec('close', { tid: 1, pid: 1 }, { res: 0, fd: 1 });
  new DataView(bad.buffer).setUint16(0, 9, true); // version
  const buf = new Uint8Array(good.length + bad.length); buf.set(good); buf.set(bad, good.length);
  assert.throws(() => new InterpDetector(rules).feed(buf, () => undefined), (e: unknown) => e instanceof RecordError && e.offset === good.length);
  new DataView(bad.buffer).setUint16(0, 1, true); new DataView(bad.buffer).setUint32(4, 13, true); // impossible length
  buf.set(bad, good.length);
  assert.throws(() => new InterpDetector(rules).feed(buf, () => undefined), (e: unknown) => e instanceof RecordError && e.offset === good.length && /length 13/.test(e.message));
});

test('interest is the event types the rules can match; swap replaces rules and keeps state', async () => {
  const d = new InterpDetector(rules);
  assert.deepEqual([...d.interest].sort((a, b) => a - b), ['open', 'openat', 'close'].map((n) => EVENTS_BY_NAME.get(n)!.id).sort((a, b) => a - b));
  const buf = story();
  // the process creation goes through the old rules, the rest through the new ones
  let off = 0, n = 0;
  for (let i = 0; i < 3; i++) off += new DataView(buf.buffer).getUint32(off + 4, true);
  d.feed(buf.subarray(0, off), () => n++);
  await d.swap(rulesFrom(`
- rule: cat in container
  desc: d
  condition: evt.type = close and container.id != host and proc.name = cat
  output: "%proc.exepath closed fd %fd.num"
  priority: ERROR
`));
  const got: string[] = [];
  d.feed(buf.subarray(off), (m) => got.push(alertOf(m)));
  assert.equal(n, 0);
  assert.deepEqual(got, ['cat in container|/usr/bin/cat closed fd 3|{"fd.num":"3","proc.exepath":"/usr/bin/cat"}']);
  assert.deepEqual(d.interest, [EVENTS_BY_NAME.get('close')!.id]);
});
