// HTTP POST of one alert per request through an undici Agent (keep-alive, optional TLS client
// settings). Any non-2xx status is a failure for the dispatcher to retry. The alert id travels in a
// header so a receiver can drop the rare duplicate a crash between send and ack can cause.
import { readFileSync } from 'node:fs';
import type { Agent } from 'undici';
import { loadProtobuf } from '../alerts/proto.js';
import type { Alert } from '../alerts/alert.js';
import { makeBody, type BodyFormat, type SlackOptions } from './bodies.js';
import { PermanentError, type Sink } from './types.js';

export interface TlsOptions { caFile?: string; certFile?: string; keyFile?: string; insecure?: boolean }

export interface HttpOptions {
  url: string;
  format: BodyFormat;
  headers?: Record<string, string>;
  tls?: TlsOptions;
  timeoutMs?: number;
  slack?: SlackOptions;
}

// undici is loaded by the first request, not at start: an agent that prints to stdout or a file (and
// every `vigil replay`) never needs it.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

export class HttpSink implements Sink {
  readonly kind: string;
  private agent?: Agent;
  private readonly connect: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };

  constructor(private readonly o: HttpOptions) {
    this.kind = o.format === 'slack' ? 'slack' : o.format === 'falcosidekick' ? 'falcosidekick' : 'http';
    const t = o.tls ?? {};
    // (the TLS files are read now: a missing one is a start-up error, not a failed first send)
    this.connect = {
      ca: t.caFile ? readFileSync(t.caFile) : undefined,
      cert: t.certFile ? readFileSync(t.certFile) : undefined,
      key: t.keyFile ? readFileSync(t.keyFile) : undefined,
      rejectUnauthorized: !t.insecure,
    };
  }

  async send(a: Alert, signal: AbortSignal): Promise<void> {
    const { Agent, request } = await loadUndici();
    this.agent ??= new Agent({ connect: this.connect, headersTimeout: this.o.timeoutMs ?? 10_000, bodyTimeout: this.o.timeoutMs ?? 10_000 });
    if (this.o.format === 'protobuf') await loadProtobuf();
    const body = makeBody(a, this.o.format, this.o.slack);
    const res = await request(this.o.url, {
      method: 'POST', dispatcher: this.agent, signal, body: body.data,
      headers: { 'content-type': body.contentType, 'user-agent': 'vigil', 'x-vigil-alert-id': a.id, ...this.o.headers },
    });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) return;
    const msg = `${this.o.url}: HTTP ${res.statusCode}`;
    // 4xx means this request will never be accepted (except timeouts and rate limits); retrying it
    // forever would block every alert behind it.
    if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) throw new PermanentError(msg);
    throw new Error(msg);
  }

  async close(): Promise<void> { await this.agent?.close(); }
}
