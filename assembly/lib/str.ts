// Byte-string operations of the filter. Strings are (pointer, length) pairs into linear memory:
// record parameters, state-table slots or the literal pool. Nothing here allocates.

@inline function lower(c: u32): u32 { return c - 65 < 26 ? c | 32 : c; }

export function str_eq(a: usize, al: i32, b: usize, bl: i32): bool {
  if (al != bl) return false;
  return memory.compare(a, b, <usize>al) == 0;
}

export function str_startswith(a: usize, al: i32, b: usize, bl: i32): bool {
  if (bl > al) return false;
  return memory.compare(a, b, <usize>bl) == 0;
}

export function str_endswith(a: usize, al: i32, b: usize, bl: i32): bool {
  if (bl > al) return false;
  return memory.compare(a + <usize>(al - bl), b, <usize>bl) == 0;
}

export function str_contains(a: usize, al: i32, b: usize, bl: i32): bool {
  if (bl == 0) return true;
  const last = al - bl;
  const first = load<u8>(b), lastb = load<u8>(b + <usize>(bl - 1));
  let i = 0;
  // 16 candidate positions at a time: where the literal's first and last bytes both sit (the two
  // loads stay inside the value); only those are compared in full
  if (last >= 15) {
    const f = i8x16.splat(<i8>first), l = i8x16.splat(<i8>lastb);
    for (; i <= last - 15; i += 16) {
      let m = i8x16.bitmask(v128.and(i8x16.eq(v128.load(a + <usize>i), f), i8x16.eq(v128.load(a + <usize>(i + bl - 1)), l)));
      while (m != 0) {
        if (memory.compare(a + <usize>(i + ctz(m)), b, <usize>bl) == 0) return true;
        m &= m - 1;
      }
    }
  }
  for (; i <= last; i++) {
    if (load<u8>(a + <usize>i) == first && memory.compare(a + <usize>i, b, <usize>bl) == 0) return true;
  }
  return false;
}

/** `b` is already lower-case (the compiler folds the literal). */
export function str_icontains(a: usize, al: i32, b: usize, bl: i32): bool {
  if (bl == 0) return true;
  const last = al - bl;
  let i = 0;
  // as str_contains, on the first byte with ASCII case folded (OR 0x20 folds letters; other bytes
  // that fold onto the same value are only candidates, which the full compare then rejects)
  if (last >= 15) {
    const c = <u32>load<u8>(b);
    const fold = c - 97 < 26;
    const f = i8x16.splat(<i8>c), bit = i8x16.splat(<i8>(fold ? 32 : 0));
    for (; i <= last - 15; i += 16) {
      let m = i8x16.bitmask(i8x16.eq(v128.or(v128.load(a + <usize>i), bit), f));
      while (m != 0) {
        if (imatch(a + <usize>(i + ctz(m)), b, bl)) return true;
        m &= m - 1;
      }
    }
  }
  for (; i <= last; i++) if (imatch(a + <usize>i, b, bl)) return true;
  return false;
}

@inline function imatch(a: usize, b: usize, bl: i32): bool {
  let j = 0;
  while (j < bl && lower(<u32>load<u8>(a + <usize>j)) == <u32>load<u8>(b + <usize>j)) j++;
  return j == bl;
}

/** Ordering of byte strings as memcmp then length, for < <= > >= on strings. */
export function str_cmp(a: usize, al: i32, b: usize, bl: i32): i32 {
  const n = al < bl ? al : bl;
  const c = memory.compare(a, b, <usize>n);
  if (c != 0) return c;
  return al - bl;
}

/**
 * fnmatch-style glob (`*`, `?`, `[...]`), as Falco's glob operator. One-star backtracking keeps it
 * linear in practice; `fold` compares case-insensitively (iglob, pattern already lower-cased).
 */
export function str_glob(s: usize, sl: i32, p: usize, pl: i32, fold: bool): bool {
  let si = 0, pi = 0, starP = -1, starS = 0;
  while (si < sl) {
    if (pi < pl) {
      const pc = <u32>load<u8>(p + <usize>pi);
      let sc = <u32>load<u8>(s + <usize>si);
      if (fold) sc = lower(sc);
      if (pc == 42) { starP = pi++; starS = si; continue; }
      if (pc == 63) { pi++; si++; continue; }
      if (pc == 91) {
        // character class
        let j = pi + 1, neg = false, ok = false;
        if (j < pl && (load<u8>(p + <usize>j) == 33 || load<u8>(p + <usize>j) == 94)) { neg = true; j++; }
        let first = true;
        while (j < pl && (first || load<u8>(p + <usize>j) != 93)) {
          first = false;
          const lo = <u32>load<u8>(p + <usize>j);
          if (j + 2 < pl && load<u8>(p + <usize>(j + 1)) == 45 && load<u8>(p + <usize>(j + 2)) != 93) {
            const hi = <u32>load<u8>(p + <usize>(j + 2));
            if (sc >= lo && sc <= hi) ok = true;
            j += 3;
          } else { if (sc == lo) ok = true; j++; }
        }
        if (j < pl && ok != neg) { pi = j + 1; si++; continue; }
      } else if (pc == 92 && pi + 1 < pl) {
        if (<u32>load<u8>(p + <usize>(pi + 1)) == sc) { pi += 2; si++; continue; }
      } else if (pc == sc) { pi++; si++; continue; }
    }
    if (starP < 0) return false;
    pi = starP + 1; si = ++starS;
  }
  while (pi < pl && load<u8>(p + <usize>pi) == 42) pi++;
  return pi == pl;
}

/** FNV-1a over bytes; the compiler builds the literal hash sets with the same function. */
export function str_hash(a: usize, al: i32): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < al; i++) { h ^= <u32>load<u8>(a + <usize>i); h *= 16777619; }
  return h;
}

/**
 * Membership in a compiled string set: at `set`, u32 mask, then (mask+1) slots of
 * {u32 hash, u32 offset into pool, u32 length}; offset 0xffffffff marks an empty slot.
 */
// Hashes of the values tested this event, so a field tested against many sets (proc.name in
// shell_binaries, in package_mgmt_binaries...) is hashed once. Direct-mapped by pointer; the
// values do not change within an event (scratch reuse starts a new cache generation).
const HC: usize = memory.data(16 * 16, 8);   // 16 x {u32 ptr, i32 len, u32 gen, u32 hash}
let HC_GEN: u32 = 1;
export function hash_cache_reset(): void { HC_GEN++; }

@inline function cached_hash(a: usize, al: i32): u32 {
  const e = HC + ((((<usize>a >> 3) ^ <usize>al) & 15) << 4);
  if (load<u32>(e + 8) == HC_GEN && load<u32>(e) == <u32>a && load<i32>(e + 4) == al) return load<u32>(e + 12);
  const h = str_hash(a, al);
  store<u32>(e, <u32>a); store<i32>(e + 4, al); store<u32>(e + 8, HC_GEN); store<u32>(e + 12, h);
  return h;
}

export function set_has(set: usize, pool: usize, a: usize, al: i32): bool {
  const mask = load<u32>(set);
  const h = cached_hash(a, al);
  let i = h & mask;
  while (true) {
    const slot = set + 4 + <usize>(i * 12);
    const off = load<u32>(slot + 4);
    if (off == 0xffffffff) return false;
    if (load<u32>(slot) == h && <i32>load<u32>(slot + 8) == al && memory.compare(pool + <usize>off, a, <usize>al) == 0) return true;
    i = (i + 1) & mask;
  }
}

/**
 * Path-prefix match (Falco's pmatch): true when the entry's path components are the first
 * components of `a`, empty components ignored on both sides (`/dev/` is `/dev`, `etc` matches
 * `/etc/x`, `//etc/x` lies under `/etc`). The list is {u32 count, then count x (u32 offset,
 * u32 length)} into the pool.
 */
export function path_pmatch(list: usize, pool: usize, a: usize, al: i32): bool {
  const n = load<u32>(list);
  for (let k: u32 = 0; k < n; k++) {
    const b = pool + <usize>load<u32>(list + 4 + <usize>(k * 8));
    const bl = <i32>load<u32>(list + 8 + <usize>(k * 8));
    if (under(a, al, b, bl)) return true;
  }
  return false;
}

function under(a: usize, al: i32, b: usize, bl: i32): bool {
  let i = 0, j = 0;
  while (true) {
    while (i < al && load<u8>(a + <usize>i) == 47) i++;
    while (j < bl && load<u8>(b + <usize>j) == 47) j++;
    if (j == bl) return true;
    if (i == al) return false;
    // one component of each, compared whole
    while (i < al && j < bl && load<u8>(a + <usize>i) != 47 && load<u8>(a + <usize>i) == load<u8>(b + <usize>j)) { i++; j++; }
    const aEnd = i == al || load<u8>(a + <usize>i) == 47, bEnd = j == bl || load<u8>(b + <usize>j) == 47;
    if (!aEnd || !bEnd) return false;
  }
}
