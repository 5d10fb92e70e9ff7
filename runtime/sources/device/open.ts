// Opening /dev/vigil, with the three ways it fails in practice turned into one line each that
// says what to do: no device node (module not loaded), busy (another reader), permission.
import { constants, openSync } from 'node:fs';

export class DeviceError extends Error {
  constructor(message: string, readonly code?: string) { super(message); }
}

export function describeOpenError(path: string, code: string | undefined, detail: string): string {
  switch (code) {
    case 'ENOENT': case 'ENODEV': case 'ENXIO':
      return `${path}: no such device: the vigil kernel module is not loaded (insmod vigil.ko, or set syscall.device)`;
    case 'EBUSY':
      return `${path}: device busy: another reader has it open (one reader at a time; is another vigil running?)`;
    case 'EACCES': case 'EPERM':
      return `${path}: permission denied: the device is mode 0600, run vigil as root`;
    default:
      return `${path}: cannot open: ${code ?? detail}`;
  }
}

/** Opens the device for reading and commands; blocking reads unless `nonblocking`. */
export function openDevice(path: string, opts: { nonblocking?: boolean; readOnly?: boolean } = {}): number {
  const flags = (opts.readOnly ? constants.O_RDONLY : constants.O_RDWR) | (opts.nonblocking ? constants.O_NONBLOCK : 0);
  try {
    return openSync(path, flags);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DeviceError(describeOpenError(path, err.code, err.message), err.code);
  }
}
