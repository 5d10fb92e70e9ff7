// `vigil capture -w FILE [--duration S]`: the device's records, as read, into a .vcap file for a
// later `vigil replay` (runtime/sources/vcap). Every event the schema defines is asked for, not
// only what today's rules name: a capture is replayed later with rules nobody has written yet.
// Kernel drops are counted and alerted on as in `vigil run`; the run ends after --duration
// seconds or on a signal, and the file is complete (gzip stream ended) when it settles.
import { UsageError } from '../cli/command.js';
import type { PipelineFactory } from '../cli/pipelines.js';
import { RecordError } from '../decode/record.js';
import { EVENT_SPECS } from '../decode/schema.gen.js';
import { DeviceError } from '../sources/device/open.js';
import { INTEREST_WORDS } from '../sources/device/ioctl.js';
import { VcapWriter } from '../sources/vcap/writer.js';
import { bootToEpochOffset } from './clock.js';
import { openDeviceReader, watchDrops } from './device-source.js';

/** Every event id the schema defines that the interest bitmap can hold. */
export function allEvents(): number[] {
  const ids: number[] = [];
  EVENT_SPECS.forEach((s, id) => { if (s && id > 0 && id < INTEREST_WORDS * 64) ids.push(id); });
  return ids;
}

export const capturePipeline: PipelineFactory = async (ctx) => {
  const file = ctx.flags.write;
  if (typeof file !== 'string' || !file) throw new UsageError('vigil capture: -w FILE is required (the capture file to write; .gz to compress)');
  const d = ctx.flags.duration;
  const seconds = d === undefined ? undefined : Number(d);
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`vigil capture: --duration must be a positive number of seconds, got '${String(d)}'`);
  const sc = ctx.config.syscall;
  const reader = openDeviceReader(ctx, 'capture');
  let writer: VcapWriter;
  try {
    writer = await VcapWriter.open(file, { bootToEpochNs: bootToEpochOffset() });
    reader.setSnaplen(sc.snaplen);
    reader.setInterest(allEvents());
  } catch (e) {
    await reader.stop();
    if (e instanceof DeviceError) throw new UsageError(`vigil capture: ${e.message}`);
    throw e;
  }
  ctx.log.info('capture started', { device: sc.device, file, seconds });
  const drops = watchDrops(ctx);
  let failure: string | undefined;
  const consume = (chunk: Uint8Array): number => {
    try { return writer.write(chunk); } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      // as `vigil run`: the device returns whole records per read, so a bad chunk is dropped whole
      ctx.log.error('malformed kernel record; chunk not written', { error: `byte offset ${reader.stats.bytes - chunk.length + e.offset}: ${e.message}` });
      return chunk.length;
    }
  };
  const reading = reader.start(consume);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await reader.stop();
    drops.stop();
    await writer.close();
    ctx.log.info('capture written', { file, records: writer.records, bytes: writer.bytes, kernelDrops: ctx.metrics.eventsDroppedKernel.value });
  })());
  const limit = seconds === undefined ? undefined : setTimeout(() => { void stop(); }, seconds * 1000);
  const done = reading.then(() => stop(), async (e: Error) => {
    failure = e.message;
    await stop().catch(() => undefined);
    throw e instanceof DeviceError ? new UsageError(`vigil capture: ${e.message}`) : e;
  }).finally(() => clearTimeout(limit));
  return {
    done,
    stop,
    health: () => (failure ? { ok: false, reason: `capture failed: ${failure}` } : { ok: true }),
  };
};
