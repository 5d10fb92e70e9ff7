// Mirror of kmod/vigil_ioctl.h. Node has no ioctl(), so the runtime drives the device with the
// write() command protocol (one 40-byte struct vigil_cmd per write) and reads counters from
// sysfs; the ioctl numbers are kept here for tools and for the check that both sides agree.

export const INTEREST_WORDS = 4;
export const SNAPLEN_MAX = 4096;
export const CMD_SIZE = 8 + INTEREST_WORDS * 8;

export const CMD = { SET_INTEREST: 1, SET_SNAPLEN: 2, RESET_STATS: 3 } as const;

const IOC_WRITE = 1, IOC_READ = 2, MAGIC = 'V'.charCodeAt(0);
const ioc = (dir: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (MAGIC << 8) | nr) >>> 0;
export const IOC = {
  SET_INTEREST: ioc(IOC_WRITE, 1, INTEREST_WORDS * 8),
  SET_SNAPLEN: ioc(IOC_WRITE, 2, 4),
  GET_STATS: ioc(IOC_READ | IOC_WRITE, 3, 32),
  RESET_STATS: ioc(0, 4, 0),
} as const;

export const DEVICE_PATH = '/dev/vigil';
export const STATS_PATH = '/sys/class/misc/vigil/stats';

function command(op: number, arg = 0, events: Iterable<number> = []): Buffer {
  const b = Buffer.alloc(CMD_SIZE);
  b.writeUInt32LE(op, 0);
  b.writeUInt32LE(arg >>> 0, 4);
  for (const id of events) {
    if (!Number.isInteger(id) || id < 1 || id >= INTEREST_WORDS * 64) throw new RangeError(`event id ${id} outside 1..${INTEREST_WORDS * 64 - 1}`);
    const off = 8 + Math.floor(id / 64) * 8;
    b.writeBigUInt64LE(b.readBigUInt64LE(off) | (1n << BigInt(id % 64)), off);
  }
  return b;
}

/** The command selecting exactly these Vigil event ids (an empty set stops capture). */
export const setInterestCmd = (events: Iterable<number>) => command(CMD.SET_INTEREST, 0, events);

export function setSnaplenCmd(bytes: number): Buffer {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > SNAPLEN_MAX) throw new RangeError(`snaplen ${bytes} outside 0..${SNAPLEN_MAX}`);
  return command(CMD.SET_SNAPLEN, bytes);
}

export const resetStatsCmd = () => command(CMD.RESET_STATS);

export interface CpuStats { cpu: number; events: bigint; drops: bigint; bytes: bigint }

/** Parses the sysfs stats text: one "cpu events drops bytes" line per possible CPU. */
export function parseStats(text: string): CpuStats[] {
  return text.split('\n').filter((l) => l.trim()).map((line, i) => {
    const f = line.trim().split(/\s+/);
    if (f.length !== 4 || !f.every((x) => /^\d+$/.test(x))) throw new Error(`stats line ${i + 1} malformed: ${JSON.stringify(line)}`);
    return { cpu: Number(f[0]), events: BigInt(f[1]), drops: BigInt(f[2]), bytes: BigInt(f[3]) };
  });
}
