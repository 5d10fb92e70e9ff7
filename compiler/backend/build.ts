// Builds generated AssemblyScript to WASM with the assemblyscript compiler's API, in a worker
// thread (asc-worker.mjs): the generated module is an in-memory file beside the real assembly/
// library files. One worker serves the builds of the process, one build at a time; it does not
// keep the process alive, and it ends a second after its last build, handing binaryen's memory
// (a few hundred MB) back: an agent builds at start and on a rules reload, not in between.
import { Worker } from 'node:worker_threads';

export class BuildError extends Error {}

export interface BuildOptions { optimize?: boolean; level?: number; /** keep function names (profiling) */ debug?: boolean }

type Reply = { id: number; wasm?: Uint8Array; error?: string };
type Pending = Map<number, { resolve: (w: Uint8Array) => void; reject: (e: Error) => void }>;
interface Compiler { w: Worker; pending: Pending; idle?: NodeJS.Timeout }

const IDLE_MS = 1000;
let current: Compiler | undefined;
let nextId = 0;

function compiler(): Compiler {
  if (current) { clearTimeout(current.idle); current.idle = undefined; return current; }
  // execArgv [] : the worker runs plain node, without the TypeScript loader of this process
  const w = new Worker(new URL('./asc-worker.mjs', import.meta.url), { execArgv: [] });
  const c: Compiler = { w, pending: new Map() };
  w.unref();
  w.on('message', (r: Reply) => {
    const p = c.pending.get(r.id);
    if (!p) return;
    c.pending.delete(r.id);
    if (c.pending.size === 0) {
      w.unref();
      c.idle = setTimeout(() => { if (current === c) current = undefined; void w.terminate(); }, IDLE_MS);
      c.idle.unref();
    }
    if (r.wasm) p.resolve(r.wasm); else p.reject(new BuildError(r.error ?? 'assemblyscript build failed'));
  });
  const fail = (e: Error) => {
    if (current === c) current = undefined;
    for (const p of c.pending.values()) p.reject(new BuildError(`assemblyscript worker stopped: ${e.message}`));
    c.pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  current = c;
  return c;
}

export function buildWasm(source: string, opts: BuildOptions = {}): Promise<Uint8Array> {
  const args = ['--runtime', 'stub', '--noAssert', ...(opts.optimize === false ? ['-O0'] : [`-O${opts.level ?? 2}`]), ...(opts.debug ? ['--debug'] : [])];
  const c = compiler();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    c.pending.set(id, { resolve, reject });
    c.w.ref(); // a build in flight keeps the process alive until it answers
    c.w.postMessage({ id, source, args });
  });
}
