// Disk spool for one output: an append-only log of alerts (one JSON record a line, fsync'd before
// the append returns) plus an ack cursor (byte offset of the first undelivered record, replaced
// atomically). Reopening the directory in a new process resumes exactly where delivery stopped.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, ftruncateSync, writeSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alertFromRecord, alertToRecord } from './types.js';
import type { Alert } from '../alerts/alert.js';

interface Entry { alert: Alert; end: number }

/** The spool directory cannot be created or opened; the message names it and the system's reason. */
export class SpoolError extends Error {}

// mkdirSync({ recursive: true }) spins forever on a path below /proc (node 20), so parents are
// created one level at a time.
function makeDir(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDir(parent);
  try { mkdirSync(dir); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
}

export class Spool {
  private readonly fd: number;
  private readonly cursorPath: string;
  private readonly entries: Entry[] = [];
  private head = 0;
  private size: number;
  private cursor: number;

  constructor(readonly dir: string, private readonly maxBytes = 256 * 1024 * 1024) {
    try {
      makeDir(dir);
      this.fd = openSync(join(dir, 'alerts.log'), 'a+');
    } catch (e) {
      throw new SpoolError(`cannot use spool directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.cursorPath = join(dir, 'cursor');
    this.cursor = existsSync(this.cursorPath) ? Number(readFileSync(this.cursorPath, 'utf8').trim()) || 0 : 0;
    const buf = readFileSync(join(dir, 'alerts.log'));
    // A crash mid-append leaves a line without its newline; that record was never acknowledged to
    // the caller as spooled, so it is cut off.
    const lastNl = buf.lastIndexOf(0x0a);
    this.size = lastNl + 1;
    if (this.size !== buf.length) { ftruncateSync(this.fd, this.size); fsyncSync(this.fd); }
    if (this.cursor > this.size) this.cursor = this.size;
    let pos = this.cursor;
    while (pos < this.size) {
      const nl = buf.indexOf(0x0a, pos);
      this.entries.push({ alert: alertFromRecord(buf.subarray(pos, nl).toString('utf8')), end: nl + 1 });
      pos = nl + 1;
    }
  }

  /** Undelivered records. */
  get pending(): number { return this.entries.length - this.head; }
  get bytes(): number { return this.size - this.cursor; }

  /** Appends and fsyncs; returns how many did not fit under maxBytes (and were not written). */
  append(alerts: Alert[]): number {
    let text = '';
    let rejected = 0;
    const added: Entry[] = [];
    let end = this.size;
    for (const a of alerts) {
      const line = alertToRecord(a) + '\n';
      const n = Buffer.byteLength(line);
      if (end + n - this.cursor > this.maxBytes) { rejected++; continue; }
      text += line; end += n; added.push({ alert: a, end });
    }
    if (text) {
      writeSync(this.fd, text);
      fsyncSync(this.fd);
      this.size = end;
      this.entries.push(...added);
    }
    return rejected;
  }

  peek(): Alert | undefined { return this.entries[this.head]?.alert; }

  /** Marks the head delivered. When everything is delivered the log is emptied. */
  ack(): void {
    const e = this.entries[this.head++];
    if (!e) return;
    if (this.head === this.entries.length) {
      ftruncateSync(this.fd, 0); fsyncSync(this.fd);
      this.size = 0; this.entries.length = 0; this.head = 0;
      this.writeCursor(0);
    } else {
      this.writeCursor(e.end);
      if (this.head > 4096) { this.entries.splice(0, this.head); this.head = 0; }
    }
  }

  private writeCursor(n: number): void {
    this.cursor = n;
    const tmp = this.cursorPath + '.tmp';
    const fd = openSync(tmp, 'w');
    writeSync(fd, String(n));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.cursorPath);
    // The rename itself is only durable once the directory entry is synced.
    const dfd = openSync(this.dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  }

  close(): void { closeSync(this.fd); }

}

