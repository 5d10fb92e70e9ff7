// Walks a guard trie (compiler/backend/trie.ts, laid out by pool.ts) over the value in SP/SL,
// from its first byte or (reverse) its last, and ORs the bits of the literals it meets into `out`.
// Layout at `t`: u32 nodes, words, node offset, edge-byte offset, edge-target offset, mask offset;
// per node {u32 first edge (or, edge count 0xffff, the offset of its direct table of 256 u16:
// child + 1, 0 for none), u16 edge count, u16 mask on reaching it, u16 mask when the value ends
// on it, u16 0}; u8 edge bytes (ascending per node); u16 edge targets; masks of `words` u32 (0: none).
import { SP, SL } from './fields';

@inline function or_mask(out: usize, masks: usize, m: u32, words: u32): void {
  const at = masks + (<usize>(m * words) << 2);
  for (let w: usize = 0; w < <usize>words; w++) store<u32>(out + (w << 2), load<u32>(out + (w << 2)) | load<u32>(at + (w << 2)));
}

export function trie_walk(t: usize, out: usize, reverse: bool): void {
  const words = load<u32>(t + 4);
  const nodes = t + <usize>load<u32>(t + 8), eb = t + <usize>load<u32>(t + 12), et = t + <usize>load<u32>(t + 16), masks = t + <usize>load<u32>(t + 20);
  let node = nodes;
  let m = <u32>load<u16>(node + 6);
  if (m != 0) or_mask(out, masks, m, words);
  const p = SP, n = SL;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + <usize>(reverse ? n - 1 - i : i));
    let k = <usize>load<u32>(node);
    const cnt = <u32>load<u16>(node + 4);
    if (cnt == 0xffff) {
      const to = <usize>load<u16>(t + k + (<usize>c << 1));
      if (to == 0) return;
      node = nodes + (to - 1) * 12;
    } else {
      const e = k + <usize>cnt;
      while (k < e && load<u8>(eb + k) < c) k++;
      if (k == e || load<u8>(eb + k) != c) return;
      node = nodes + <usize>load<u16>(et + (k << 1)) * 12;
    }
    m = <u32>load<u16>(node + 6);
    if (m != 0) or_mask(out, masks, m, words);
  }
  m = <u32>load<u16>(node + 8);
  if (m != 0) or_mask(out, masks, m, words);
}
