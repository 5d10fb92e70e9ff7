// Pipes alert lines into a long-running command's stdin (Falco's program_output with keep_alive).
// If the command dies it is started again for the next alert; the failed write is retried by the
// dispatcher, so the line still arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Alert } from '../alerts/alert.js';
import { formatLine, type LineFormat, type Sink } from './types.js';

export class ProgramSink implements Sink {
  readonly kind = 'program';
  private child?: ChildProcess;
  starts = 0;

  constructor(private readonly command: string, private readonly format: LineFormat) {}

  private ensure(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null && this.child.stdin?.writable) return this.child;
    const c = spawn('/bin/sh', ['-c', this.command], { stdio: ['pipe', 'inherit', 'inherit'] });
    c.stdin!.on('error', () => { /* a dead reader surfaces as a failed write */ });
    c.on('error', () => { /* spawn failure surfaces as a failed write */ });
    this.child = c;
    this.starts++;
    return c;
  }

  send(a: Alert): Promise<void> {
    const c = this.ensure();
    const line = formatLine(a, this.format) + '\n';
    return new Promise((resolve, reject) => {
      c.stdin!.write(line, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => { c.once('exit', () => resolve()); c.stdin!.end(); });
  }
}
