// The guest's reader of /dev/vigil: non-blocking fd, drained until EAGAIN (the notes explain why
// a blocking read would pin a libuv worker), records decoded by the runtime's own decoder.
import { closeSync, openSync, readFileSync, readSync, writeSync, constants } from 'node:fs';
import { records, type DecodedRecord } from '../../../runtime/decode/record.js';
import { EVENT_SPECS } from '../../../runtime/decode/schema.gen.js';
import { DEVICE_PATH, STATS_PATH, parseStats, resetStatsCmd, setInterestCmd, setSnaplenCmd } from '../../../runtime/sources/device/ioctl.js';

export function eventId(name: string): number {
  const spec = EVENT_SPECS.find((s) => s?.name === name);
  if (!spec) throw new Error(`no event named ${name}`);
  return spec.id;
}

export class Device {
  readonly fd: number;
  private buf = Buffer.alloc(1 << 20);
  constructor() { this.fd = openSync(DEVICE_PATH, constants.O_RDWR | constants.O_NONBLOCK); }
  interest(names: string[]): void { writeSync(this.fd, setInterestCmd(names.map(eventId))); }
  snaplen(n: number): void { writeSync(this.fd, setSnaplenCmd(n)); }
  resetStats(): void { writeSync(this.fd, resetStatsCmd()); }
  stats() { return parseStats(readFileSync(STATS_PATH, 'utf8')); }

  /** Raw read of whatever is queued, until EAGAIN; calls `each` with every chunk. */
  drainRaw(each: (chunk: Buffer) => void, maxBytes = Infinity): number {
    let total = 0;
    while (total < maxBytes) {
      let n: number;
      try { n = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, maxBytes - total), null); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw e;
      }
      if (n <= 0) break;
      each(this.buf.subarray(0, n));
      total += n;
    }
    return total;
  }

  /** One read of at most `bytes` (whole records only). */
  readSome(bytes: number): { records: DecodedRecord[] } {
    const out: DecodedRecord[] = [];
    let n = 0;
    try { n = readSync(this.fd, this.buf, 0, bytes, null); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e; }
    for (const { record } of records(Buffer.from(this.buf.subarray(0, n)))) out.push(record);
    return { records: out };
  }

  /** Everything queued, decoded (copies out, since the read buffer is reused). */
  drain(): DecodedRecord[] {
    const out: DecodedRecord[] = [];
    this.drainRaw((chunk) => { for (const { record } of records(Buffer.from(chunk))) out.push(record); });
    return out;
  }

  close(): void { closeSync(this.fd); }
}
