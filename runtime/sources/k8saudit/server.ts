// The HTTPS endpoint for the Kubernetes API server's audit webhook backend. It authenticates the
// caller (client certificate against a CA bundle and/or a bearer token), reads at most maxBody
// bytes, parses Event/EventList bodies and hands the events to a bounded queue. Every bad request
// gets its own status and reason; none of them stops the server.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AuditParseError, parseAuditBody } from './parse.js';
import { AuditQueue } from './queue.js';

export interface AuditServerOptions {
  /** PEM server certificate and key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM CA bundle; when set, a client certificate signed by it authenticates the caller. */
  clientCa?: string | Buffer;
  /** When set, `Authorization: Bearer <token>` authenticates the caller. */
  token?: string;
  /** Only for tests and trusted loopback setups: accept callers with neither credential. */
  allowUnauthenticated?: boolean;
  host?: string;
  /** Default 9765, Falco's k8saudit port; 0 picks a free one. */
  port?: number;
  /** Default /k8s-audit. */
  path?: string;
  /** Largest body accepted, bytes; default 10 MiB. */
  maxBody?: number;
  /** Events the queue holds before the server answers 503; default 100000. */
  queueCapacity?: number;
  /** Seconds sent in Retry-After with a 503; default 1. */
  retryAfter?: number;
  cluster?: string;
}

export interface AuditServerStats { requests: number; accepted: number; events: number; rejected: Record<number, number> }

export class AuditServer {
  readonly queue: AuditQueue;
  readonly stats: AuditServerStats = { requests: 0, accepted: 0, events: 0, rejected: {} };
  private server: https.Server;
  private readonly tokenDigest: Buffer | undefined;

  constructor(private readonly o: AuditServerOptions) {
    if (!o.clientCa && !o.token && !o.allowUnauthenticated) {
      throw new Error('k8s audit webhook: configure a client CA bundle and/or a bearer token');
    }
    this.queue = new AuditQueue(o.queueCapacity ?? 100_000);
    this.tokenDigest = o.token === undefined ? undefined : sha256(o.token);
    this.server = https.createServer({
      cert: o.cert, key: o.key,
      ...(o.clientCa ? { ca: o.clientCa, requestCert: true } : {}),
      // A bad or missing client certificate is answered with 401 over HTTP rather than a failed
      // handshake, so the caller learns why and a token can still authenticate it.
      rejectUnauthorized: false,
    }, (req, res) => this.handle(req, res));
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port ?? 9765, this.o.host ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.queue.close();
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private authenticated(req: IncomingMessage): boolean {
    if (this.o.clientCa && (req.socket as TLSSocket).authorized) return true;
    if (this.tokenDigest) {
      const h = req.headers.authorization;
      const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
      // Compare digests so the comparison takes the same time whatever the length of the guess.
      if (m && timingSafeEqual(sha256(m[1].trim()), this.tokenDigest)) return true;
    }
    return !this.o.clientCa && !this.tokenDigest && !!this.o.allowUnauthenticated;
  }

  private reply(res: ServerResponse, code: number, msg: string, headers: Record<string, string> = {}): void {
    if (code !== 200) this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
    const body = JSON.stringify(code === 200 ? { status: 'ok', message: msg } : { status: 'error', code, reason: msg }) + '\n';
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const path = (req.url ?? '').split('?')[0];
    if (path !== (this.o.path ?? '/k8s-audit')) return this.reply(res, 404, `no such path ${path}`);
    if (req.method !== 'POST') return this.reply(res, 405, `method ${req.method} not allowed`, { allow: 'POST' });
    if (!this.authenticated(req)) return this.reply(res, 401, 'unauthenticated: valid client certificate or bearer token required', { 'www-authenticate': 'Bearer' });
    const max = this.o.maxBody ?? 10 * 1024 * 1024;
    const tooBig = () => {
      // Stop reading and drop the connection after answering: the rest of the body is never buffered.
      req.pause();
      this.reply(res, 413, `body larger than ${max} bytes`, { connection: 'close' });
      res.once('finish', () => req.socket.destroy());
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return tooBig();
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) { over = true; chunks.length = 0; tooBig(); return; }
      chunks.push(c);
    });
    req.on('error', () => req.socket.destroy());
    req.on('end', () => {
      if (over) return;
      let events;
      try {
        events = parseAuditBody(Buffer.concat(chunks, size).toString('utf8'), this.o.cluster);
      } catch (e) {
        return this.reply(res, 400, e instanceof AuditParseError ? e.message : String(e));
      }
      if (!this.queue.offer(events)) {
        return this.reply(res, 503, 'event queue full', { 'retry-after': String(this.o.retryAfter ?? 1) });
      }
      this.stats.accepted++;
      this.stats.events += events.length;
      this.reply(res, 200, `${events.length} events`);
    });
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
