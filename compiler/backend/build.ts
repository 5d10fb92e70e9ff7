// Builds generated AssemblyScript to WASM with the assemblyscript compiler's API, in a worker
// thread (asc-worker.mjs): the generated module is an in-memory file beside the real assembly/
// library files. One worker serves every build of the process, one build at a time; it does not
// keep the process alive.
import { Worker } from 'node:worker_threads';

export class BuildError extends Error {}

export interface BuildOptions { optimize?: boolean; level?: number; /** keep function names (profiling) */ debug?: boolean }

type Reply = { id: number; wasm?: Uint8Array; error?: string };

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (w: Uint8Array) => void; reject: (e: Error) => void }>();

function compiler(): Worker {
  if (worker) return worker;
  // execArgv [] : the worker runs plain node, without the TypeScript loader of this process
  const w = new Worker(new URL('./asc-worker.mjs', import.meta.url), { execArgv: [] });
  w.unref();
  w.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (pending.size === 0) w.unref();
    if (r.wasm) p.resolve(r.wasm); else p.reject(new BuildError(r.error ?? 'assemblyscript build failed'));
  });
  const fail = (e: Error) => {
    worker = undefined;
    for (const p of pending.values()) p.reject(new BuildError(`assemblyscript worker stopped: ${e.message}`));
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  worker = w;
  return w;
}

export function buildWasm(source: string, opts: BuildOptions = {}): Promise<Uint8Array> {
  const args = ['--runtime', 'stub', '--noAssert', ...(opts.optimize === false ? ['-O0'] : [`-O${opts.level ?? 2}`]), ...(opts.debug ? ['--debug'] : [])];
  const w = compiler();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref(); // a build in flight keeps the process alive until it answers
    w.postMessage({ id, source, args });
  });
}
