// The CLIs run from one bundled file each (dist/vigil.mjs, dist/rulec.mjs) rather than through a
// TypeScript loader: tsx's loader runs on a thread of its own with its own V8 heap (about 30 MB of
// the agent's resident memory) and transpiles some 200 files at every start, and it is a
// development dependency the image does not install. `npm run build` (run by `npm ci`, and in the
// image's build stage) writes the bundles with esbuild; from a checkout, a bundle older than any of
// its sources is rebuilt at start (esbuild takes ~0.1 s), so an edit is never run stale. Without
// its sources (the image), a bundle is taken as it is.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const ENTRIES = { vigil: 'runtime/cli/main.ts', rulec: 'compiler/cli/main.ts' };
// Bumped when the build options below change, so older bundles are rebuilt.
const FORMAT = 2;

const out = (name) => `${ROOT}dist/${name}.mjs`;
const stampPath = (name) => `${ROOT}dist/${name}.inputs.json`;

/** Whether the bundle exists and none of its sources that exist here changed since it was built. */
function fresh(name) {
  let stamp;
  try { stamp = JSON.parse(readFileSync(stampPath(name), 'utf8')); statSync(out(name)); } catch { return false; }
  if (stamp.format !== FORMAT) return false;
  for (const [rel, [mtimeMs, size]] of Object.entries(stamp.inputs)) {
    let st;
    try { st = statSync(ROOT + rel); } catch { continue; }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return false;
  }
  return true;
}

/** Writes dist/NAME.mjs and its input stamp; both land by rename, so concurrent starts are safe. */
export async function build(name) {
  let esbuild;
  try { esbuild = await import('esbuild'); } catch {
    throw new Error(`dist/${name}.mjs is missing or older than its sources, and esbuild (a development dependency) is not installed: run "npm ci" then "npm run build"`);
  }
  const res = await esbuild.build({
    entryPoints: [ROOT + ENTRIES[name]], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT, outfile: out(name),
  });
  await esbuild.stop?.();
  const inputs = {};
  for (const rel of Object.keys(res.metafile.inputs)) {
    const st = statSync(ROOT + rel);
    inputs[rel] = [st.mtimeMs, st.size];
  }
  // The packages the bundle imports at run time (the image installs only "dependencies").
  const packages = new Set();
  for (const o of Object.values(res.metafile.outputs)) {
    for (const i of o.imports) if (i.external && !i.path.startsWith('node:')) packages.add(i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]);
  }
  mkdirSync(`${ROOT}dist`, { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(out(name) + tmp, res.outputFiles[0].contents);
  writeFileSync(stampPath(name) + tmp, JSON.stringify({ format: FORMAT, inputs, packages: [...packages].sort() }));
  renameSync(out(name) + tmp, out(name));
  renameSync(stampPath(name) + tmp, stampPath(name));
}

/** The bundled module of a CLI, rebuilt first when a source changed. */
export async function load(name) {
  if (!fresh(name)) await build(name);
  return import(pathToFileURL(out(name)).href);
}

/** Runs a CLI's main() from its bundle with the process's arguments; its result is the exit code. */
export async function runCli(name) {
  // `rulec list ... | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  let mod;
  try { mod = await load(name); } catch (e) { process.stderr.write(`${name}: ${e.message}\n`); process.exit(2); }
  process.exitCode = await mod.main(process.argv.slice(2));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const name of Object.keys(ENTRIES)) await build(name);
}
