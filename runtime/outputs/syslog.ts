// RFC 5424 syslog over UDP (one message a datagram), TCP (RFC 6587 octet-counting frames) or a
// unix stream socket (newline-terminated). Node has no unix datagram sockets, so /dev/log-style
// datagram sockets are out of reach; rsyslog/syslog-ng accept stream sockets.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import type { Alert } from '../alerts/alert.js';
import { rfc3339Nano } from '../alerts/alert.js';
import { priorityLevel } from '../alerts/priority.js';
import { formatLine, type LineFormat, type Sink } from './types.js';

export interface SyslogOptions {
  transport: 'udp' | 'tcp' | 'unix';
  host?: string;
  port?: number;
  path?: string;
  /** Facility number (1 = user, 16..23 = local0..local7). */
  facility?: number;
  appName?: string;
  format?: LineFormat;
}

/** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`, timestamp in microseconds as RFC 5424 allows at most 6 digits. */
export function rfc5424(a: Alert, o: SyslogOptions, pid = process.pid): string {
  const pri = (o.facility ?? 1) * 8 + priorityLevel(a.priority);
  const ts = rfc3339Nano(a.time).replace(/(\.\d{6})\d{3}Z$/, '$1Z');
  const host = (a.hostname || osHostname() || '-').replace(/\s/g, '_');
  const msg = formatLine(a, o.format ?? {});
  return `<${pri}>1 ${ts} ${host} ${o.appName ?? 'vigil'} ${pid} - - ${msg}`;
}

export class SyslogSink implements Sink {
  readonly kind = 'syslog';
  private udp?: UdpSocket;
  private stream?: Socket;

  constructor(private readonly o: SyslogOptions) {}

  async send(a: Alert): Promise<void> {
    const msg = rfc5424(a, this.o);
    if (this.o.transport === 'udp') {
      this.udp ??= createSocket(this.o.host?.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((res, rej) => this.udp!.send(msg, this.o.port ?? 514, this.o.host ?? '127.0.0.1', (e) => (e ? rej(e) : res())));
      return;
    }
    const s = await this.connected();
    const frame = this.o.transport === 'tcp' ? `${Buffer.byteLength(msg)} ${msg}` : msg + '\n';
    await new Promise<void>((res, rej) => s.write(frame, (e) => (e ? rej(e) : res())));
  }

  private connected(): Promise<Socket> {
    if (this.stream && !this.stream.destroyed && this.stream.writable) return Promise.resolve(this.stream);
    return new Promise((resolve, reject) => {
      const s = this.o.transport === 'unix' ? connect(this.o.path ?? '/dev/log') : connect(this.o.port ?? 514, this.o.host ?? '127.0.0.1');
      s.once('error', (e) => { s.destroy(); reject(e); });
      s.once('connect', () => {
        s.removeAllListeners('error');
        s.on('error', () => s.destroy());
        this.stream = s;
        resolve(s);
      });
    });
  }

  async close(): Promise<void> {
    this.udp?.close();
    if (this.stream) await new Promise<void>((r) => this.stream!.end(r));
  }
}
