// Small helpers shared by the guest scenarios, stress runs and benchmark.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DecodedRecord } from '../../../runtime/decode/record.js';
import { eventId } from './device.js';

export const HELPER = '/out/helper';
export const KO = '/repo/kmod/vigil.ko';

/** Runs a command to completion; returns its key=value stdout lines. */
export function run(cmd: string, args: string[], opts: { allowFail?: boolean; cwd?: string } = {}): Record<string, string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd ?? '/tmp' });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const kv: Record<string, string> = { status: String(r.status) };
  for (const line of (r.stdout ?? '').split('\n')) {
    for (const part of line.split(' ')) { const i = part.indexOf('='); if (i > 0) kv[part.slice(0, i)] = part.slice(i + 1); }
  }
  return kv;
}

export function busybox(applet: string, args: string[], allowFail = false) {
  return run('/usr/bin/busybox', [applet, ...args], { allowFail });
}

export function load(params: string[] = []): void { busybox('insmod', [KO, ...params]); }
export function unload(allowFail = false): number { return Number(busybox('rmmod', ['vigil'], allowFail).status); }

/** Starts a command without waiting; resolves with its exit code. */
export function start(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: '/tmp' });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const done = new Promise<number>((res) => child.on('exit', (code, sig) => res(code ?? (sig ? 128 : 1))));
  return { child, done, output: () => out };
}

export { sleep };

export function only(recs: DecodedRecord[], name: string, pred: (r: DecodedRecord) => boolean = () => true, dir = 1) {
  const id = eventId(name);
  return recs.filter((r) => r.header.type === id && r.header.dir === dir && pred(r));
}

export function one(recs: DecodedRecord[], name: string, pred: (r: DecodedRecord) => boolean = () => true, dir = 1): DecodedRecord {
  const found = only(recs, name, pred, dir);
  if (found.length !== 1) {
    const seen = recs.filter((r) => r.header.type === eventId(name)).map((r) => ({ ...r.header, ts: String(r.header.ts), cgroupId: String(r.header.cgroupId), params: r.params }));
    throw new Error(`expected one ${name} (dir ${dir}) record, found ${found.length}; ${name} records seen: ${JSON.stringify(seen, (_k, v) => typeof v === 'bigint' ? String(v) : v).slice(0, 1500)}`);
  }
  return found[0];
}
