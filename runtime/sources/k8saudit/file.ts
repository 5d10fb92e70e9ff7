// Audit events from files: `vigil replay FILE.json` reads one JSON document (an Event, an EventList
// or a list of them) or JSON lines, the API server's log backend format. follow() tails a log the
// way `tail -F` does: new lines as they are written, a rotated file (renamed away, a new one
// created) reopened from its start, a truncated file read again from offset 0.
import { readFileSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { AuditEvent } from '../../../compiler/fields/k8saudit.js';
import { AuditParseError, eventsFromJson } from './parse.js';

export interface LineError { file: string; line: number; message: string }
export const formatLineError = (e: LineError) => `${e.file}:${e.line}: ${e.message}`;

/** Events of one JSON-lines record; the line's text is kept for jevt.obj when it is a lone Event. */
function lineEvents(text: string, cluster?: string): AuditEvent[] {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new AuditParseError(`malformed JSON: ${(e as Error).message}`); }
  return eventsFromJson(doc, cluster, text);
}

/** Every event of a file; bad lines are reported through onError and skipped, as a live log would be. */
export function readAuditFile(file: string, onError: (e: LineError) => void, cluster?: string): AuditEvent[] {
  const text = readFileSync(file, 'utf8');
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    // One document, possibly pretty-printed over many lines.
    return eventsFromJson(JSON.parse(trimmed), cluster, trimmed);
  } catch (e) {
    if (e instanceof AuditParseError) { onError({ file, line: 1, message: e.message }); return []; }
  }
  const out: AuditEvent[] = [];
  text.split('\n').forEach((l, i) => {
    if (l.trim() === '') return;
    try { for (const ev of lineEvents(l, cluster)) out.push(ev); } catch (e) { onError({ file, line: i + 1, message: (e as Error).message }); }
  });
  return out;
}

export interface FollowOptions {
  /** Start at the current end of the file (default) or at its beginning. */
  fromStart?: boolean;
  pollMs?: number;
  cluster?: string;
  onError?: (e: LineError) => void;
}

export class AuditFileFollower {
  private fh: FileHandle | undefined;
  private ino = -1;
  private offset = 0;
  private partial = '';
  // A UTF-8 character may straddle two reads.
  private dec = new StringDecoder('utf8');
  private line = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(readonly file: string, private readonly onEvents: (evs: AuditEvent[]) => void, private readonly o: FollowOptions = {}) {}

  async start(): Promise<void> {
    await this.reopen(!this.o.fromStart);
    await this.poll();
    this.timer = setInterval(() => { this.busy = this.busy.then(() => this.poll()); }, this.o.pollMs ?? 200);
  }

  /** Read whatever is new now (tests call this instead of waiting for the timer). */
  poll(): Promise<void> {
    return this.stopped ? Promise.resolve() : this.step().catch((e) => this.o.onError?.({ file: this.file, line: this.line, message: String(e) }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.busy;
    await this.fh?.close();
    this.fh = undefined;
  }

  private async reopen(atEnd: boolean): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    try { this.fh = await open(this.file, 'r'); } catch { this.ino = -1; return; } // not there yet: retry next poll
    const st = await this.fh.stat();
    this.ino = st.ino;
    this.offset = atEnd ? st.size : 0;
    this.partial = '';
    this.dec = new StringDecoder('utf8');
    this.line = 0;
  }

  private async step(): Promise<void> {
    let st;
    try { st = await stat(this.file); } catch { st = undefined; }
    if (!st) {
      // Deleted: finish the old file and forget it, so a new file is opened from its start even
      // if the filesystem hands it the same inode number.
      if (this.fh) { await this.drain(); await this.fh.close(); this.fh = undefined; this.ino = -1; }
      return;
    }
    if (st.ino !== this.ino) {
      // Rotated: finish what the old file still holds, then start on the new one from its start.
      if (this.fh) await this.drain();
      await this.reopen(false);
    } else if (st.size < this.offset) {
      this.offset = 0;
      this.partial = '';
      this.dec = new StringDecoder('utf8');
      this.line = 0;
    }
    if (this.fh) await this.drain();
  }

  private async drain(): Promise<void> {
    const fh = this.fh!;
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const text = this.partial + this.dec.write(buf.subarray(0, bytesRead));
      const parts = text.split('\n');
      this.partial = parts.pop()!;
      const evs: AuditEvent[] = [];
      for (const l of parts) {
        this.line++;
        if (l.trim() === '') continue;
        try { for (const e of lineEvents(l, this.o.cluster)) evs.push(e); } catch (e) {
          this.o.onError?.({ file: this.file, line: this.line, message: (e as Error).message });
        }
      }
      if (evs.length) this.onEvents(evs);
    }
  }
}
