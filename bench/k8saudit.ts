// Audit webhook throughput over loopback HTTPS, with the upstream audit rules.
// Usage: npx tsx bench/k8saudit.ts [--batches N] [--batch-size N] [--concurrency N] [--rounds N] [--only vigil]
// (--only vigil runs the endpoint alone, for profiling it.) Batches hold 400 events by default: the
// API server's --audit-webhook-batch-max-size, which its batches reach whenever events arrive
// faster than it sends (the load this measures).
// A client in a worker thread POSTs EventList batches (the shared audit samples, repeated) over
// keep-alive TLS; the server side, on the main thread (the one core measured), is one of:
//   http   TLS + read the body + reply: the floor any webhook pays
//   parse  http + JSON.parse of the body
//   vigil  the agent's endpoint: bearer auth, parse, validation, bounded queue, then every event
//          through the k8s_audit matcher with k8s_audit_rules.yaml and each match's alert rendered
// Rates are events/s as the client sees them (vigil: until the last event is evaluated). The same
// run also reports the in-process parse and match rates, without HTTP. Best of --rounds per
// setup, rounds interleaved, because the development machine is shared.
import https from 'node:https';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AuditServer } from '../runtime/sources/k8saudit/server.js';
import { AuditMatcher } from '../runtime/sources/k8saudit/match.js';
import { parseAuditBody } from '../runtime/sources/k8saudit/parse.js';
import { compileRules } from '../runtime/pipeline/rules.js';
import { makeAlert } from '../runtime/alerts/alert.js';
import type { Match } from '../runtime/outputs/delivery.js';
import { makePki } from '../test/runtime/k8saudit/certs.js';
import { post } from '../test/runtime/k8saudit/post.js';

const { values: a } = parseArgs({
  args: isMainThread ? process.argv.slice(2) : (workerData as { argv: string[] }).argv,
  options: { batches: { type: 'string', default: '100' }, 'batch-size': { type: 'string', default: '400' }, concurrency: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, only: { type: 'string' } },
});
const BATCHES = Number(a.batches), SIZE = Number(a['batch-size']), CONC = Number(a.concurrency), ROUNDS = Number(a.rounds);

const shared = new URL('../../shared/falco/', import.meta.url).pathname;
const samples = readdirSync(shared + 'k8s_audit').flatMap((f) => readFileSync(shared + 'k8s_audit/' + f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: Array.from({ length: SIZE }, (_, i) => samples[i % samples.length]) });
const TOKEN = 'bench-token';

interface ClientOpts { ca: string; token?: string }

/**
 * POSTs from a worker thread; resolves with events/s as the client saw it and the hrtime (one clock
 * for all threads) of its first request, so the worker's start-up stays out of every rate.
 */
function drive(port: number, o: ClientOpts): Promise<{ rate: number; t0: bigint }> {
  return new Promise((resolve, reject) => {
    // Node 20 workers do not inherit tsx's loader from execArgv; register it before importing this file.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const w = new Worker(boot, { eval: true, workerData: { port, o, argv: process.argv.slice(2) } });
    w.once('message', (m: { rate?: number; t0?: string; error?: string }) => {
      void w.terminate();
      return m.error ? reject(new Error(m.error)) : resolve({ rate: m.rate!, t0: BigInt(m.t0!) });
    });
    w.once('error', reject);
  });
}

async function clientLoop(port: number, o: ClientOpts): Promise<{ rate: number; t0: bigint }> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONC });
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (next < BATCHES) {
      next++;
      const r = await post(port, body, { ...o, agent });
      if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body}`);
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  return { rate: (BATCHES * SIZE) / secs, t0 };
}

type Pki = ReturnType<typeof makePki>;

async function plainServer(pki: Pki, parse: boolean): Promise<number> {
  const srv = https.createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (parse) JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.end('{}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try { return (await drive((srv.address() as AddressInfo).port, { ca: pki.ca })).rate; } finally { srv.closeAllConnections(); srv.close(); }
}

const rules = compileRules([shared + 'rules/k8s_audit_rules.yaml']);
let alerts = 0;
const onMatch = (m: Match) => { makeAlert(m.rule, m.timeNs, 'bench', m.resolve); alerts++; };

let busy = 0;

async function vigil(pki: Pki): Promise<number> {
  const srv = new AuditServer({ cert: pki.serverCert, key: pki.serverKey, token: TOKEN, host: '127.0.0.1', port: 0, queueCapacity: 1_000_000 });
  const port = await srv.listen();
  const matcher = new AuditMatcher(rules);
  let evaluated = 0;
  // How busy the server's thread was from the first batch on: near 1 means the one core measured
  // is the limit (not the client or the loopback).
  let elu0: EventLoopUtilization | undefined;
  const consumer = (async () => {
    for (let evs = await srv.queue.take(); evs.length; evs = await srv.queue.take()) {
      elu0 ??= performance.eventLoopUtilization();
      for (const ev of evs) { matcher.match(ev, onMatch); evaluated++; }
    }
  })();
  try {
    const { t0 } = await drive(port, { ca: pki.ca, token: TOKEN });
    while (evaluated < BATCHES * SIZE) await new Promise((r) => setImmediate(r));
    busy = Math.max(busy, performance.eventLoopUtilization(elu0).utilization);
    return (BATCHES * SIZE) / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally { await srv.close(); await consumer; }
}

/** In-process rates, no HTTP: parse (JSON + event records) and match (rules + alert rendering). */
function inProcess(): { parse: number; match: number } {
  const n = Math.max(20, Math.floor(BATCHES / 4));
  let t = process.hrtime.bigint();
  let events: ReturnType<typeof parseAuditBody> = [];
  for (let i = 0; i < n; i++) events = parseAuditBody(body);
  const parse = (n * SIZE) / (Number(process.hrtime.bigint() - t) / 1e9);
  const matcher = new AuditMatcher(rules);
  t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) for (const ev of events) matcher.match(ev, onMatch);
  const match = (n * SIZE) / (Number(process.hrtime.bigint() - t) / 1e9);
  return { parse, match };
}

if (!isMainThread) {
  const { port, o } = workerData as { port: number; o: ClientOpts };
  clientLoop(port, o).then(({ rate, t0 }) => parentPort!.postMessage({ rate, t0: String(t0) }), (e) => parentPort!.postMessage({ error: String(e) }));
} else {
  const pki = makePki();
  if (a.only === 'vigil') {
    for (let r = 0; r <= ROUNDS; r++) { busy = 0; console.log(JSON.stringify({ round: r, vigil: Math.round(await vigil(pki)), serverBusy: +busy.toFixed(3) })); }
    process.exit(0);
  }
  // Warm-up: JIT of every path, TLS session setup.
  await plainServer(pki, false); await plainServer(pki, true); await vigil(pki); inProcess();
  const best = { http: 0, parse: 0, vigil: 0, inParse: 0, inMatch: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    best.http = Math.max(best.http, await plainServer(pki, false));
    best.parse = Math.max(best.parse, await plainServer(pki, true));
    best.vigil = Math.max(best.vigil, await vigil(pki));
    const ip = inProcess();
    best.inParse = Math.max(best.inParse, ip.parse);
    best.inMatch = Math.max(best.inMatch, ip.match);
  }
  const k = (x: number) => Math.round(x);
  console.log(JSON.stringify({
    bench: 'k8saudit', batches: BATCHES, batchSize: SIZE, concurrency: CONC, rounds: ROUNDS, bodyBytes: body.length,
    rules: rules.rules.length, alertsPerEvent: +(alerts / ((ROUNDS + 1) * (BATCHES * SIZE + Math.max(20, Math.floor(BATCHES / 4)) * SIZE))).toFixed(2),
    eventsPerSec: { httpOnly: k(best.http), parseOnly: k(best.parse), vigil: k(best.vigil) },
    vigilServerBusy: +busy.toFixed(3),
    ratio: { vigilVsHttpOnly: +(best.vigil / best.http).toFixed(3), vigilVsParseOnly: +(best.vigil / best.parse).toFixed(3) },
    inProcessEventsPerSec: { parse: k(best.inParse), matchAndRender: k(best.inMatch) },
    goal: { eventsPerSec: 50_000, met: best.vigil >= 50_000 },
  }, null, 2));
}
