// A .vcap file through a Detector: the bytes the device gave, fed as the live agent feeds them.
// Alert times move from the records' boot-time stamps to the epoch with the offset the writer
// recorded, as the live source does with its own clock.
import { RecordError } from '../../decode/record.js';
import type { Match } from '../../outputs/delivery.js';
import type { Detector } from '../../pipeline/detector.js';
import { VcapError } from './format.js';
import { VcapReader, type VcapStats } from './reader.js';

export interface VcapReplayOptions {
  /** Checked per chunk: true ends the replay early. */
  stopped?: () => boolean;
  /** Whole records handed to the Detector (for vigil_events_read_total). */
  onRecords?: (n: number) => void;
  /** Asked after each run of records: a promise holds the next run until the outputs have room. */
  outputsReady?: () => Promise<void> | undefined;
}

/**
 * Records per feed() at most, in bytes (the reader still reads 1 MiB at a time): between two runs
 * the replay waits for the outputs when they are backed up, and a run raises at most a few
 * thousand alerts, which the quarter-full mark of an output queue leaves room for (Dispatcher.roomy).
 */
const FEED_BYTES = 64 * 1024;

export async function replayVcap(file: string, det: Detector, onMatch: (m: Match) => void, o: VcapReplayOptions = {}): Promise<VcapStats> {
  const reader = new VcapReader(file, undefined, FEED_BYTES);
  let offset = 0n;
  const shifted = (m: Match) => onMatch(offset === 0n ? m : { rule: m.rule, timeNs: m.timeNs + offset, resolve: m.resolve });
  let before = 0;
  // The run's bytes stay valid while a returned promise is pending: the reader goes on after it settles.
  return reader.run((buf, at) => {
    offset = reader.header!.bootToEpochNs;
    try { det.feed(buf, shifted); } catch (e) {
      if (e instanceof RecordError) throw new VcapError(file, at + e.offset, e.message.replace(/^bad record at offset \d+: /, 'damaged record: '));
      throw e;
    }
    o.onRecords?.(reader.stats.records - before);
    before = reader.stats.records;
    const room = o.outputsReady?.();
    return room ? room.then(() => !o.stopped?.()) : !o.stopped?.();
  });
}
