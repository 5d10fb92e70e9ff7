// Socket fd names as Falco prints them: `sip:sport->dip:dport` (client first), IPv6 groups shortened
// as inet_ntop does. IPv4 names are rendered on first use from the entry's address fields.
import { slot_ptr } from './mem';
import { F_NAME, F_NAME_PENDING, F_SIP, F_DIP, F_SPORT, F_DPORT } from './state';

let NB: usize = 0; let NL: i32 = 0;
@inline function put_ch(c: u8): void { if (NL < 256) { store<u8>(slot_ptr(NB) + <usize>NL, c); NL++; } }
function put_dec(v: u32): void {
  // at most five digits (ports, address bytes): into a small stack of digits, then out in order
  let d: u64 = 0, n = 0;
  do { d = (d << 8) | <u64>(48 + v % 10); v /= 10; n++; } while (v != 0);
  for (; n > 0; n--) { put_ch(<u8>(d & 0xff)); d >>= 8; }
}
function put_hex(v: u32): void {
  let started = false;
  for (let s = 12; s >= 0; s -= 4) {
    const x = <u8>((v >> <u32>s) & 15);
    if (x == 0 && !started && s > 0) continue;
    started = true;
    put_ch(x < 10 ? 48 + x : 87 + x);
  }
}
function put_ip4(p: usize): void { for (let i = 0; i < 4; i++) { if (i) put_ch(46); put_dec(<u32>load<u8>(p + <usize>i)); } }
/** Big-endian u16 at p (ports as sockaddrs carry them). */
@inline export function be16(p: usize): u32 { return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1); }

/** Eight hex groups, the longest run of two or more zero groups shortened to `::`. */
function put_ip6(p: usize): void {
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (be16(p + <usize>(i << 1)) != 0) { i++; continue; }
    let j = i; while (j < 8 && be16(p + <usize>(j << 1)) == 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  for (let i = 0; i < 8; i++) {
    if (i == best) { put_ch(58); put_ch(58); i += bestLen - 1; continue; }
    if (i > 0 && i != best + bestLen) put_ch(58);
    put_hex(be16(p + <usize>(i << 1)));
  }
}

/** IPv6 tuple at p (sip[16] sport[2] dip[16] dport[2], ports big-endian) as entry f's name. */
export function fd_name_ipv6(f: usize, p: usize): void {
  NB = f + F_NAME; NL = 0;
  put_ip6(p); put_ch(58); put_dec(be16(p + 16)); put_ch(45); put_ch(62);
  put_ip6(p + 18); put_ch(58); put_dec(be16(p + 34));
  store<u16>(NB, <u16>NL);
}

/** Renders entry f's IPv4 tuple name if it is still pending; then the name slot is current. */
export function fd_name_ready(f: usize): void {
  if (load<u8>(f + F_NAME_PENDING) == 0) return;
  NB = f + F_NAME; NL = 0;
  put_ip4(f + F_SIP); put_ch(58); put_dec(<u32>load<u16>(f + F_SPORT)); put_ch(45); put_ch(62);
  put_ip4(f + F_DIP); put_ch(58); put_dec(<u32>load<u16>(f + F_DPORT));
  store<u16>(NB, <u16>NL);
  store<u8>(f + F_NAME_PENDING, 0);
}

/** A bound address (family byte, then addr and big-endian port) as entry f's name, `addr:port`. */
export function fd_name_bind(f: usize, p: usize, v6: bool): void {
  NB = f + F_NAME; NL = 0;
  if (v6) { put_ip6(p + 1); put_ch(58); put_dec(be16(p + 17)); }
  else { put_ip4(p + 1); put_ch(58); put_dec(be16(p + 5)); }
  store<u16>(NB, <u16>NL);
  store<u8>(f + F_NAME_PENDING, 0);
}
