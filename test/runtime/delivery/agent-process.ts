// A vigil agent process (bin/vigil.mjs) under test: its JSON log, its exit, and its /metrics
// (the agent is started with webserver.listen_port=0 and says which port it got).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './endpoint.js';

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.mjs', import.meta.url));

export class Agent {
  readonly child: ChildProcess;
  err = '';
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [VIGIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (c) => { this.err += c; });
  }
  readonly exited = () => new Promise<number | null>((r) => { if (this.child.exitCode !== null) r(this.child.exitCode); else this.child.once('exit', (c) => r(c)); });
  private port(): number | undefined {
    const l = this.err.split('\n').find((x) => x.includes('"ops server listening"'));
    return l ? (JSON.parse(l) as { port: number }).port : undefined;
  }
  async ready(): Promise<void> { await until(() => this.port() !== undefined, 'the agent\'s ops server', 60_000); }
  async metric(re: RegExp): Promise<number> {
    let text: string;
    try { text = await (await fetch(`http://127.0.0.1:${this.port()}/metrics`)).text(); } catch (e) {
      throw new Error(`no metrics from the agent (exit ${this.child.exitCode}): ${(e as Error).message}; agent log:\n${this.err}`);
    }
    const m = re.exec(text);
    return m ? Number(m[1]) : 0;
  }
  async untilMetric(re: RegExp, atLeast: number, what: string): Promise<void> {
    let v = 0;
    for (const end = Date.now() + 30_000; (v = await this.metric(re)) < atLeast;) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what} (${v} < ${atLeast}); agent log:\n${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
