// A .vcap file through a Detector: the bytes the device gave, fed as the live agent feeds them.
// Alert times move from the records' boot-time stamps to the epoch with the offset the writer
// recorded, as the live source does with its own clock.
import { RecordError } from '../../decode/record.js';
import { HDR } from '../../decode/schema.gen.js';
import type { Match } from '../../outputs/delivery.js';
import type { Detector } from '../../pipeline/detector.js';
import { VcapError } from './format.js';
import { VcapReader, type VcapStats } from './reader.js';

export interface VcapReplayOptions {
  /** Checked per chunk: true ends the replay early. */
  stopped?: () => boolean;
  /** Whole records handed to the Detector (for vigil_events_read_total). */
  onRecords?: (n: number) => void;
  /** Asked after each chunk: a promise holds the next chunk until the outputs have room. */
  outputsReady?: () => Promise<void> | undefined;
}

/**
 * Records per feed() at most, in bytes: between two slices the replay waits for the outputs when
 * they are backed up, and a slice raises at most a few thousand alerts, which the quarter-full
 * mark of an output queue leaves room for (Dispatcher.roomy).
 */
const SLICE_BYTES = 64 * 1024;

export async function replayVcap(file: string, det: Detector, onMatch: (m: Match) => void, o: VcapReplayOptions = {}): Promise<VcapStats> {
  const reader = new VcapReader(file);
  let offset = 0n;
  const shifted = (m: Match) => onMatch(offset === 0n ? m : { rule: m.rule, timeNs: m.timeNs + offset, resolve: m.resolve });
  let before = 0;
  // The chunk stays valid while this runs: the reader reads on only after it settles.
  return reader.run(async (buf, at) => {
    offset = reader.header!.bootToEpochNs;
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let from = 0; from < buf.length;) {
      let to = from;
      while (to < buf.length && (to === from || to - from + v.getUint32(to + HDR.len, true) <= SLICE_BYTES)) to += v.getUint32(to + HDR.len, true);
      try { det.feed(buf.subarray(from, to), shifted); } catch (e) {
        if (e instanceof RecordError) throw new VcapError(file, at + from + e.offset, e.message.replace(/^bad record at offset \d+: /, 'damaged record: '));
        throw e;
      }
      from = to;
      const room = o.outputsReady?.();
      if (room) await room;
    }
    o.onRecords?.(reader.stats.records - before);
    before = reader.stats.records;
    return !o.stopped?.();
  });
}
