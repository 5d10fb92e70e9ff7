// Builds generated AssemblyScript to WASM in-process with the assemblyscript compiler's API. The
// generated module is an in-memory file beside the real assembly/ library files.
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const ENTRY = 'assembly/rules.ts';

export class BuildError extends Error {}

export async function buildWasm(source: string, opts: { optimize?: boolean; level?: number; /** keep function names (profiling) */ debug?: boolean } = {}): Promise<Uint8Array> {
  const written: Record<string, Uint8Array | string> = {};
  let errText = '';
  const sink = (s: unknown) => { errText += String(s); return true; };
  const res = await asc.main([
    ENTRY, '--outFile', 'rules.wasm', '--runtime', 'stub', '--noAssert',
    ...(opts.optimize === false ? ['-O0'] : [`-O${opts.level ?? 2}`]),
    ...(opts.debug ? ['--debug'] : []),
  ], {
    readFile: (name: string, baseDir: string) => {
      const rel = join(baseDir, name).replace(/^\.?\/?/, '');
      if (rel === ENTRY || name === ENTRY) return source;
      try { return readFileSync(join(ROOT, rel), 'utf8'); } catch { return null; }
    },
    writeFile: (name: string, contents: Uint8Array | string) => { written[name] = contents; },
    listFiles: () => [],
    stdout: { write: sink } as never,
    stderr: { write: sink } as never,
  });
  const wasm = written['rules.wasm'];
  if (res.error || !(wasm instanceof Uint8Array)) throw new BuildError(`assemblyscript build failed: ${res.error?.message ?? 'no output'}\n${errText}`);
  return wasm;
}
