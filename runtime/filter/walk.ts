// Finds where the whole records of a buffer end, reading only each header's length, so a caller
// can carry a trailing partial record into its next read. A length no record can have is an error
// at that offset: skipping it would desynchronize everything after it.
import { RecordError } from '../decode/record.js';
import { HDR, HDR_SIZE, RECORD_ALIGN } from '../decode/schema.gen.js';

export function wholeRecordsEnd(buf: Uint8Array): number {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + HDR_SIZE <= buf.length) {
    const len = v.getUint32(off + HDR.len, true);
    if (len < HDR_SIZE || len % RECORD_ALIGN !== 0) throw new RecordError(off, `impossible length ${len}`);
    if (off + len > buf.length) break;
    off += len;
  }
  return off;
}
