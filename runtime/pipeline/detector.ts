// The filter stage of the agent, as one contract shared by every source that yields Vigil's binary
// records (the device, `vigil capture` files, replayed .scap converted to records). The WASM
// filter and the reference interpreter both implement it, so a source never knows which runs.
import type { Match } from '../outputs/delivery.js';
import type { CompiledRules } from './rules.js';

export interface Detector {
  /** Schema event ids the loaded rules can match: the interest set pushed to the kernel. */
  readonly interest: readonly number[];
  /**
   * Runs every whole record of `buf` through state and the rules, calling onMatch once per
   * (event, rule) match, in record order. Returns the bytes consumed: a trailing partial record
   * is left for the caller to carry into the next call. A malformed record throws RecordError
   * (runtime/decode/record.ts), whose offset is relative to `buf`.
   */
  feed(buf: Uint8Array, onMatch: (m: Match) => void): number;
  /** Replaces the rules atomically between two feed() calls (hot reload); state is kept. */
  swap(rules: CompiledRules): Promise<void>;
}

export type DetectorFactory = (rules: CompiledRules) => Promise<Detector>;
