// Builds generated AssemblyScript to WASM with the assemblyscript compiler's API, in a child node
// process (asc-worker.mjs) that the agent talks to over IPC: the generated module is an in-memory
// file beside the real assembly/ library files. One child serves the builds of the process, one
// build at a time; it does not keep the process alive, and it exits a second after its last build
// (an agent builds at start and on a rules reload, not in between). A process rather than a worker
// thread: a thread's malloc arenas stay with the agent after the thread ends, ~110 MB resident of
// binaryen's and the compiler's freed memory for the life of the agent, where an exited process
// gives everything back; and a compiler crash cannot take the agent down with it.
import { fork, type ChildProcess } from 'node:child_process';
import { ROOT_URL } from '../root.js';

export class BuildError extends Error {}

export interface BuildOptions { optimize?: boolean; level?: number; /** keep function names (profiling) */ debug?: boolean }

type Reply = { id: number; wasm?: Uint8Array; error?: string };
type Pending = Map<number, { resolve: (w: Uint8Array) => void; reject: (e: Error) => void }>;
interface Compiler { w: ChildProcess; pending: Pending; idle?: NodeJS.Timeout }

const IDLE_MS = 1000;
let current: Compiler | undefined;
let nextId = 0;

function compiler(): Compiler {
  if (current) { clearTimeout(current.idle); current.idle = undefined; return current; }
  // execArgv [] : the child runs plain node, without the TypeScript loader of this process
  const w = fork(new URL('compiler/backend/asc-worker.mjs', ROOT_URL), [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const c: Compiler = { w, pending: new Map() };
  const unref = () => { w.unref(); w.channel?.unref(); };
  unref();
  w.on('message', (r: Reply) => {
    const p = c.pending.get(r.id);
    if (!p) return;
    c.pending.delete(r.id);
    if (c.pending.size === 0) {
      unref();
      c.idle = setTimeout(() => { if (current === c) current = undefined; w.disconnect(); }, IDLE_MS);
      c.idle.unref();
    }
    if (r.wasm) p.resolve(r.wasm); else p.reject(new BuildError(r.error ?? 'assemblyscript build failed'));
  });
  const fail = (e: Error) => {
    if (current === c) current = undefined;
    clearTimeout(c.idle);
    for (const p of c.pending.values()) p.reject(new BuildError(`assemblyscript compiler process stopped: ${e.message}`));
    c.pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code, signal) => fail(new Error(signal ? `signal ${signal}` : `exit code ${code}`)));
  current = c;
  return c;
}

export function buildWasm(source: string, opts: BuildOptions = {}): Promise<Uint8Array> {
  const args = ['--runtime', 'stub', '--noAssert', '--enable', 'simd', ...(opts.optimize === false ? ['-O0'] : [`-O${opts.level ?? 2}`]), ...(opts.debug ? ['--debug'] : [])];
  const c = compiler();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    c.pending.set(id, { resolve, reject });
    // a build in flight keeps the process alive until it answers
    c.w.ref(); c.w.channel?.ref();
    c.w.send({ id, source, args });
  });
}
