// Derives the benchmark's "node" event mix (test/backend/node-world.ts) from a recorded capture of
// ordinary work: how often each kind of event the rules' interest set holds occurs, which paths
// are opened (and how often that fails), with which flags, which programs are executed with which
// arguments, where sockets connect. Only records the kernel would send an agent running the
// upstream rules are counted; the recorder's own records are left out (the process that opens the
// module's stats file: it is the instrument, not the work).
//   npx tsx bench/calibrate-mix.ts CAPTURE.vcap[.gz] > test/backend/node-profile.json
// The capture: `VIGIL_CYCLES=300 sh test/kmod/run.sh record` (README, "A recorded capture").
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFrontEnd } from '../compiler/frontend.js';
import { compileBackend } from '../compiler/backend/index.js';
import { kernelInterest } from '../runtime/filter/state-types.js';
import { decodeRecord, type DecodedRecord } from '../runtime/decode/record.js';
import { EVENTS_BY_ID } from '../schema/events.js';
import type { SockTuple } from '../schema/model.js';
import { interestRecords } from './capture-records.js';
import { UPSTREAM_RULES } from './upstream.js';

const RECORDER_MARK = '/sys/class/misc/vigil/stats';
/** Table sizes kept (the most frequent entries; the rest of each table's weight is dropped with them). */
const MAX_PATHS = 5000, MAX_PROGRAMS = 200;

/** The profile of capture `file` (see node-world.ts's NodeProfile), its tables most frequent first. */
export async function calibrate(file: string, rules: string[] = UPSTREAM_RULES) {
  const be = await compileBackend(compileFrontEnd(rules).ruleset, { build: false });
  const { records, total } = await interestRecords(file, new Set(kernelInterest(be.manifest.interest.ids)));
  const decoded = records.map((r) => decodeRecord(r, 0));
  const nameOf = (d: DecodedRecord) => EVENTS_BY_ID.get(d.header.type)!.name;
  const recorder = new Set(decoded.filter((d) => nameOf(d).startsWith('open') && d.params.name === RECORDER_MARK).map((d) => d.header.pid));

  const count = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  const types = new Map<string, number>();
  const paths = new Map<string, [number, number]>();
  const flags = new Map<number, number>();
  const programs = new Map<string, { exepath: string; comm: string; args: string[]; n: number }>();
  const connects = new Map<string, number>();
  const fsops = new Map<string, number>();
  let excluded = 0;
  for (const d of decoded) {
    if (recorder.has(d.header.pid)) { excluded++; continue; }
    const type = nameOf(d), p = d.params;
    count(types, type);
    if (type === 'open' || type === 'openat' || type === 'creat') {
      const path = String(p.name ?? '');
      const e = paths.get(path) ?? [0, 0];
      e[0]++; if (Number(p.fd) >= 0) e[1]++;
      paths.set(path, e);
      if (typeof p.flags === 'number') count(flags, p.flags);
    } else if (type === 'execve' && Number(p.res) === 0) {
      const args = (p.args as string[] | null) ?? [];
      const exepath = String(p.exepath || p.exe), key = `${exepath}\0${args.join('\0')}`;
      const e = programs.get(key) ?? { exepath, comm: String(p.comm || basename(exepath)), args, n: 0 };
      e.n++; programs.set(key, e);
    } else if (type === 'connect') {
      const t = p.tuple as SockTuple | null;
      count(connects, JSON.stringify([t?.family ?? 0, (t?.family === 1 ? t.path : t?.dip) ?? '', t?.dport ?? 0, Number(p.res)]));
    } else if (/^(unlink|unlinkat|rename|renameat|renameat2|rmdir|mkdir|mkdirat|chmod|fchmodat|symlink|symlinkat|link|linkat)$/.test(type)) {
      count(fsops, JSON.stringify([type, String(p.name ?? p.path ?? p.oldpath ?? p.filename ?? '')]));
    }
}
const top = <T>(xs: T[], w: (x: T) => number, n: number) => xs.sort((a, b) => w(b) - w(a)).slice(0, n);
return {
  about: 'Event mix of test/backend/node-world.ts, derived by bench/calibrate-mix.ts from a recorded capture of ordinary work (test/kmod/guest/record.ts). Regenerate, do not edit.',
  source: { capture: basename(file), records: total, interestRecords: records.length, excludedRecorderRecords: excluded, recorderPids: [...recorder] },
  types: Object.fromEntries(top([...types], (x) => x[1], 100)),
  openFlags: top([...flags], (x) => x[1], 20),
  paths: top([...paths].map(([path, [n, ok]]) => [path, n, ok] as [string, number, number]), (x) => x[1], MAX_PATHS),
  programs: top([...programs.values()], (x) => x.n, MAX_PROGRAMS).map((x) => [x.exepath, x.comm, x.args, x.n]),
  connects: top([...connects].map(([k, n]) => [...JSON.parse(k), n]), (x) => x[x.length - 1] as number, 50),
  fsops: top([...fsops].map(([k, n]) => [...JSON.parse(k), n]), (x) => x[2] as number, 100),
};
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) { console.error('usage: npx tsx bench/calibrate-mix.ts CAPTURE.vcap[.gz]'); process.exit(2); }
  const profile = await calibrate(file);
  // one table entry per line: a recalibration shows in review as the entries that moved
  const lines = Object.entries(profile).map(([k, v]) => Array.isArray(v)
    ? `${JSON.stringify(k)}: [\n${v.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]`
    : `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  process.stdout.write(`{\n${lines.join(',\n')}\n}\n`);
}
