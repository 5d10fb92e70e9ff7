// Audit webhook throughput over loopback: batches of audit events POSTed to the Vigil endpoint
// (TLS, bearer auth, parse, validate, bounded queue) and consumed by the k8s_audit filter side, as
// a ratio against a baseline endpoint on the same TLS that only parses the JSON body.
// Usage: npx tsx bench/k8saudit.ts [--batches N] [--batch-size N] [--concurrency N]
// The filter side is field extraction for every field the upstream rules read (the extraction plan);
// rule evaluation joins it when the reference interpreter (compiler/interp) is in. The client runs in
// a worker thread so the server's thread (the one measured) has the event loop to itself.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AuditServer } from '../runtime/sources/k8saudit/server.js';
import { AuditExtractPlan } from '../runtime/sources/k8saudit/extract.js';
import { compileFrontEnd } from '../compiler/frontend.js';
import { k8sAuditFields } from '../compiler/fields/k8saudit.js';
import { lookupField } from '../compiler/fields/index.js';
import type { FieldRef } from '../compiler/ir/types.js';
import { makePki } from '../test/runtime/k8saudit/certs.js';
import { post } from '../test/runtime/k8saudit/post.js';

const { values: a } = parseArgs({ args: isMainThread ? process.argv.slice(2) : (workerData as { argv: string[] }).argv, options: { batches: { type: 'string', default: '400' }, 'batch-size': { type: 'string', default: '100' }, concurrency: { type: 'string', default: '4' } } });
const BATCHES = Number(a.batches), SIZE = Number(a['batch-size']), CONC = Number(a.concurrency);

const shared = new URL('../../shared/falco/', import.meta.url).pathname;
const samples = readdirSync(shared + 'k8s_audit').flatMap((f) => readFileSync(shared + 'k8s_audit/' + f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: Array.from({ length: SIZE }, (_, i) => samples[i % samples.length]) });

/** Fields the rules read: the IR's fieldsUsed when the condition stages produce it, else every ka./jevt. name in the rule text. */
function fieldsUsed(): FieldRef[] {
  const fe = compileFrontEnd([shared + 'rules/k8s_audit_rules.yaml'], { source: 'k8s_audit' });
  if (fe.ruleset.fieldsUsed.length) return fe.ruleset.fieldsUsed;
  const texts = [...fe.load.rules.map((r) => r.condition.text), ...[...fe.load.macros.values()].map((m) => m.condition.text)];
  const span = { file: 'bench', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };
  const refs = new Map<string, FieldRef>();
  for (const t of texts) for (const m of t.matchAll(/((?:ka|jevt)\.[A-Za-z0-9_.]*[A-Za-z0-9_])(?:\[([^\]]*)\])?/g)) {
    const f = lookupField(k8sAuditFields, m[1]);
    if (!f) continue;
    const arg = m[2] !== undefined ? { kind: 'key' as const, value: m[2] } : undefined;
    refs.set(m[0], { field: f.def.name, arg, type: f.def.type, multi: !!f.def.multi, span });
  }
  return [...refs.values()];
}

/** POSTs from a worker thread; resolves with events/s as the client saw it. */
function drive(port: number, o: { ca: string; token?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    // Node 20 workers do not inherit tsx's loader from execArgv; register it before importing this file.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const w = new Worker(boot, { eval: true, workerData: { port, o, argv: process.argv.slice(2) } });
    w.once('message', (m: { rate?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.rate!)));
    w.once('error', reject);
  });
}

async function clientLoop(port: number, o: { ca: string; token?: string }): Promise<number> {
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
  return (BATCHES * SIZE) / secs;
}

async function baseline(pki: ReturnType<typeof makePki>): Promise<number> {
  const srv = https.createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { JSON.parse(Buffer.concat(chunks).toString('utf8')); res.end('{}'); });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try { return await drive((srv.address() as AddressInfo).port, { ca: pki.ca }); } finally { srv.closeAllConnections(); srv.close(); }
}

async function vigil(pki: ReturnType<typeof makePki>, refs: FieldRef[]): Promise<{ rate: number; extracted: number }> {
  const token = 'bench-token';
  const srv = new AuditServer({ cert: pki.serverCert, key: pki.serverKey, token, host: '127.0.0.1', port: 0, queueCapacity: 1_000_000 });
  const port = await srv.listen();
  const plan = new AuditExtractPlan(k8sAuditFields, refs);
  let extracted = 0;
  const consumer = (async () => {
    for (let evs = await srv.queue.take(); evs.length; evs = await srv.queue.take()) {
      for (const ev of evs) { plan.extract(ev); extracted++; }
    }
  })();
  try {
    const t0 = process.hrtime.bigint();
    await drive(port, { ca: pki.ca, token });
    while (extracted < BATCHES * SIZE) await new Promise((r) => setImmediate(r));
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { rate: (BATCHES * SIZE) / secs, extracted };
  } finally { await srv.close(); await consumer; }
}

if (!isMainThread) {
  const { port, o } = workerData as { port: number; o: { ca: string; token?: string } };
  clientLoop(port, o).then((rate) => parentPort!.postMessage({ rate }), (e) => parentPort!.postMessage({ error: String(e) }));
} else {
const pki = makePki();
const refs = fieldsUsed();
// Warm up both paths (JIT, TLS session setup) before measuring.
await baseline(pki); await vigil(pki, refs);
const base = await baseline(pki);
const full = await vigil(pki, refs);
console.log(JSON.stringify({
  bench: 'k8saudit', batches: BATCHES, batchSize: SIZE, concurrency: CONC, bodyBytes: body.length, fields: refs.length,
  baselineEventsPerSec: Math.round(base), vigilEventsPerSec: Math.round(full.rate), ratio: +(full.rate / base).toFixed(3),
  filter: 'extraction of every field the rules read (rule evaluation pending compiler/interp)',
}, null, 2));
}
