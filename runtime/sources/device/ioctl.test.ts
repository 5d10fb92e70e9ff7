import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CMD_SIZE, IOC, INTEREST_WORDS, SNAPLEN_MAX, parseStats, setInterestCmd, setSnaplenCmd } from './ioctl.js';

const header = readFileSync(new URL('../../../kmod/vigil_ioctl.h', import.meta.url), 'utf8');
const define = (name: string) => {
  const m = header.match(new RegExp(`#define ${name}\\s+(\\S+)`));
  assert.ok(m, `${name} missing from vigil_ioctl.h`);
  return m[1];
};

test('constants agree with the C header', () => {
  assert.equal(Number(define('VIGIL_INTEREST_WORDS')), INTEREST_WORDS);
  assert.equal(Number(define('VIGIL_SNAPLEN_MAX')), SNAPLEN_MAX);
  assert.equal(Number(define('VIGIL_CMD_SET_INTEREST')), 1);
  assert.equal(Number(define('VIGIL_CMD_SET_SNAPLEN')), 2);
  assert.equal(Number(define('VIGIL_CMD_RESET_STATS')), 3);
  // _IOW('V', 1, 32 bytes) as the kernel's asm-generic ioctl.h computes it.
  assert.equal(IOC.SET_INTEREST, 0x40205601);
  assert.equal(IOC.GET_STATS, 0xc0205603);
});

test('interest command sets exactly the requested bits', () => {
  const b = setInterestCmd([1, 2, 63, 64, 71]);
  assert.equal(b.length, CMD_SIZE);
  assert.equal(b.readUInt32LE(0), 1);
  assert.equal(b.readBigUInt64LE(8), (1n << 1n) | (1n << 2n) | (1n << 63n));
  assert.equal(b.readBigUInt64LE(16), 1n | (1n << 7n));
  assert.equal(b.readBigUInt64LE(24), 0n);
  assert.throws(() => setInterestCmd([0]), /outside/);
  assert.throws(() => setInterestCmd([256]), /outside/);
});

test('snaplen is bounded', () => {
  assert.equal(setSnaplenCmd(4096).readUInt32LE(4), 4096);
  assert.throws(() => setSnaplenCmd(4097), /outside/);
});

test('stats text parses and rejects garbage', () => {
  assert.deepEqual(parseStats('0 5 1 640\n1 0 0 0\n'), [
    { cpu: 0, events: 5n, drops: 1n, bytes: 640n }, { cpu: 1, events: 0n, drops: 0n, bytes: 0n },
  ]);
  assert.throws(() => parseStats('0 x 1 2\n'), /line 1 malformed/);
});
