// The assemblyscript compiler in a child process of its own (build.ts), in plain JavaScript:
// loaded without the TypeScript loader, which takes seconds over binaryen's 13 MB of JavaScript
// (6.9 s against 0.35 s here), and off the agent's thread that filters events while a rules reload
// compiles. Requests over IPC: { id, source, args }; replies: { id, wasm } or { id, error }. The
// process ends when the agent closes the channel (or goes away).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import asc from 'assemblyscript/asc';

const ROOT = new URL('../../', import.meta.url).pathname;
const ENTRY = 'assembly/rules.ts';

// one build at a time: asc.main keeps compiler state of its own between its awaits
let queue = Promise.resolve();
process.on('message', (req) => { queue = queue.then(() => build(req)); });
process.on('disconnect', () => { void queue.then(() => process.exit(0)); });
const reply = (m) => { if (process.connected) process.send(m); };

async function build({ id, source, args }) {
  const written = {};
  let errText = '';
  const sink = (s) => { errText += String(s); return true; };
  try {
    const res = await asc.main([ENTRY, '--outFile', 'rules.wasm', ...args], {
      readFile: (name, baseDir) => {
        const rel = join(baseDir, name).replace(/^\.?\/?/, '');
        if (rel === ENTRY || name === ENTRY) return source;
        try { return readFileSync(join(ROOT, rel), 'utf8'); } catch { return null; }
      },
      writeFile: (name, contents) => { written[name] = contents; },
      listFiles: () => [],
      stdout: { write: sink },
      stderr: { write: sink },
    });
    const wasm = written['rules.wasm'];
    if (res.error || !(wasm instanceof Uint8Array)) reply({ id, error: `assemblyscript build failed: ${res.error?.message ?? 'no output'}\n${errText}` });
    // only the module's own bytes cross the channel, not a larger buffer it may be a view of
    else reply({ id, wasm: wasm.byteLength === wasm.buffer.byteLength ? wasm : wasm.slice() });
  } catch (e) {
    reply({ id, error: `assemblyscript build failed: ${e?.stack ?? e}\n${errText}` });
  }
}
