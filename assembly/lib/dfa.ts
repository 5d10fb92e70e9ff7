// Runs a regex automaton compiled by compiler/backend/regex.ts over the value in SP/SL. Layout at
// `d`: u32 classes, u32 states, u32 start, u8 classOf[256], u8 accept[states], pad to 2, then
// u16 next[state * classes + class]. State 0 is dead: no match can follow.
import { SP, SL } from './fields';

export function dfa_match(d: usize): bool {
  const nc = load<u32>(d), ns = load<u32>(d + 4);
  const cls = d + 12, acc = cls + 256;
  const next = acc + <usize>ns + <usize>(ns & 1);  // the pool pads relative to its 4-aligned table start
  let s = load<u32>(d + 8);
  const p = SP, n = SL;
  for (let i = 0; i < n; i++) {
    s = <u32>load<u16>(next + ((<usize>(s * nc + <u32>load<u8>(cls + <usize>load<u8>(p + <usize>i)))) << 1));
    if (s == 0) return false;
  }
  return load<u8>(acc + <usize>s) != 0;
}
