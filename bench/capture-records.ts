// The records of a recorded capture (.vcap, gzip'd or plain) whose event types are in `interest`:
// what the kernel would send an agent asking for those types. Read with the agent's own reader, so
// a damaged file is reported as `vigil replay` reports it. Shared by bench/capture-filter.ts and
// bench/replay.ts --capture.
import { VcapReader } from '../runtime/sources/vcap/reader.js';

export async function interestRecords(file: string, interest: Set<number>): Promise<{ total: number; records: Uint8Array[] }> {
  const records: Uint8Array[] = [];
  let total = 0;
  await new VcapReader(file).run((chunk) => {
    const v = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let at = 0; at < chunk.length; at += v.getUint32(at + 4, true)) {
      total++;
      // a copy: the reader reuses its buffer for the next chunk
      if (interest.has(v.getUint16(at + 2, true))) records.push(chunk.slice(at, at + v.getUint32(at + 4, true)));
    }
  });
  if (records.length === 0) throw new Error(`${file}: no record of the rules' interest set`);
  return { total, records };
}
