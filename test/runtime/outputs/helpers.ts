// Shared bits for the output tests: alerts with known content and a real HTTP server on 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../../runtime/alerts/alert.js';

export function testAlert(i: number, over: Partial<Alert> = {}): Alert {
  return {
    id: `id-${i}`, time: 1795385688000000000n + BigInt(i), rule: 'Terminal shell in container', priority: 'Notice',
    source: 'syscall', hostname: 'node-1', output: `shell #${i} in container (user=root container_id=abc123 proc.name=bash)`,
    output_fields: { 'user.name': 'root', 'container.id': 'abc123', 'proc.name': 'bash', 'k8s.pod.name': null },
    tags: ['shell', 'container', 'mitre_execution'], ...over,
  };
}

export interface Received { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }

export interface TestServer {
  url: string;
  received: Received[];
  /** While false the server answers 503 and records nothing. */
  up: boolean;
  /** Delay before each answer, to keep alerts queued for a while. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const state = { received: [] as Received[], up: true, delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      if (!state.up) { res.statusCode = 503; res.end('down'); return; }
      state.received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.end('ok');
    }, state.delayMs));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    get received() { return state.received; },
    get up() { return state.up; },
    set up(v: boolean) { state.up = v; },
    get delayMs() { return state.delayMs; },
    set delayMs(v: number) { state.delayMs = v; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}
