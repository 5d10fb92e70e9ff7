// A real HTTP endpoint for the agent tests that can go away entirely (nothing listening: the
// agent sees ECONNREFUSED, as with a crashed or redeployed receiver) and come back on the same port.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivered { url: string; headers: IncomingMessage['headers']; body: string }

export class Endpoint {
  readonly received: Delivered[] = [];
  private server: Server | undefined;
  private constructor(readonly port: number) {}

  /** Picks a free port and leaves it closed: the endpoint starts out down. */
  static async reserve(): Promise<Endpoint> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return new Endpoint(port);
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async up(): Promise<void> {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => s.listen(this.port, '127.0.0.1', r));
    this.server = s;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
  }

  /** Bodies received on a path, parsed as JSON. */
  bodies(path: string): Array<Record<string, unknown>> {
    return this.received.filter((r) => r.url === path).map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }
}

export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !cond();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
