// The agent's own log: one JSON object a line on stderr ({"time","level","msg",...fields}), so
// log shippers parse it without patterns. Alerts never go here.
import type { Writable } from 'node:stream';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Logger {
  constructor(private readonly min: Level = 'info', private readonly out: Writable = process.stderr, private readonly base: Record<string, unknown> = {}) {}

  child(fields: Record<string, unknown>): Logger { return new Logger(this.min, this.out, { ...this.base, ...fields }); }

  log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] < RANK[this.min]) return;
    const rec: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...this.base };
    for (const [k, v] of Object.entries(fields)) rec[k] = v instanceof Error ? v.message : typeof v === 'bigint' ? v.toString() : v;
    this.out.write(JSON.stringify(rec) + '\n');
  }

  debug(msg: string, f?: Record<string, unknown>): void { this.log('debug', msg, f); }
  info(msg: string, f?: Record<string, unknown>): void { this.log('info', msg, f); }
  warn(msg: string, f?: Record<string, unknown>): void { this.log('warn', msg, f); }
  error(msg: string, f?: Record<string, unknown>): void { this.log('error', msg, f); }
}
