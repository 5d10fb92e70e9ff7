// stdout and file outputs: one formatted line per alert. The file output keeps its descriptor open
// and reopens the path on request (SIGUSR1 from logrotate), so a rotated file is let go of.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Alert } from '../alerts/alert.js';
import { formatLine, type LineFormat, type Sink } from './types.js';

function writeLine(w: Writable, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    w.write(line + '\n', (err) => (err ? reject(err) : resolve()));
  });
}

export class StdoutSink implements Sink {
  readonly kind = 'stdout';
  constructor(private readonly format: LineFormat, private readonly out: Writable = process.stdout) {}
  send(a: Alert): Promise<void> { return this.sendMany([a]); }
  // stdout to a pipe is a synchronous write per call on Linux: one write for many lines.
  sendMany(as: Alert[]): Promise<void> { return writeLine(this.out, lines(as, this.format)); }
}

function lines(as: Alert[], format: LineFormat): string {
  let out = formatLine(as[0], format);
  for (let i = 1; i < as.length; i++) out += '\n' + formatLine(as[i], format);
  return out;
}

export class FileSink implements Sink {
  readonly kind = 'file';
  private stream: WriteStream;
  reopens = 0;

  constructor(readonly path: string, private readonly format: LineFormat) {
    this.stream = this.open();
  }

  private open(): WriteStream {
    const s = createWriteStream(this.path, { flags: 'a' });
    s.on('error', () => { /* surfaced by the failing write callback */ });
    return s;
  }

  send(a: Alert): Promise<void> { return this.sendMany([a]); }

  sendMany(as: Alert[]): Promise<void> {
    // A stream that failed (the file could not be opened, the disk filled) is opened afresh for the
    // retry, so the error reported is the file's own reason rather than "stream destroyed".
    if (this.stream.destroyed) this.stream = this.open();
    return writeLine(this.stream, lines(as, this.format)).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${this.path}: ${e.code ?? e.message}`);
    });
  }

  /** Closes the current descriptor once its pending writes land and opens the path afresh. */
  reopen(): void {
    const old = this.stream;
    this.stream = this.open();
    old.end();
    this.reopens++;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
