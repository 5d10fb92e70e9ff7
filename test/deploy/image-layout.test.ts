// No container builder runs here, so the image's final stage is rebuilt as a directory: exactly the
// files its COPY lines take (the bundles from the build stage, no TypeScript sources, no tsx), with
// the project's node_modules beside them. The CLIs must run from that layout as they do from the
// checkout: this is what catches a file the image forgets (the .proto once was) or a path that
// only resolves next to the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { decodeAlert, loadProtobuf } from '../../runtime/alerts/proto.js';
import { story, STORY_RULES } from '../../runtime/filter/test-records.js';
import { VcapWriter } from '../../runtime/sources/vcap/writer.js';
// @ts-expect-error: plain JavaScript, no declarations
import { build } from '../../bin/bundle.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKDIR = '/usr/lib/vigil';
const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/** The final stage's files under WORKDIR, laid out in `dir` (other destinations are the module sources and the entrypoint). */
function layImage(dir: string): void {
  for (const line of finalStage.split('\n').filter((l) => l.startsWith('COPY '))) {
    const parts = line.split(/\s+/).slice(1);
    const fromBuild = parts[0] === '--from=build';
    const args = parts.filter((p) => !p.startsWith('--'));
    const dest = args.pop()!;
    const target = dest.startsWith('/') ? (dest.startsWith(WORKDIR) ? dest.slice(WORKDIR.length + 1) : undefined) : dest;
    if (target === undefined) continue;
    for (const src of args) {
      const from = fromBuild ? join(ROOT, src.replace(/^\/src\//, '')) : join(ROOT, src);
      const to = join(dir, target.endsWith('/') || args.length > 1 ? join(target, src.split('/').pop()!) : target);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, { recursive: true });
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-image-'));
const run = (root: string, bin: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', bin), ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, TZ: 'UTC' } });
const runAsync = (root: string, bin: string, ...args: string[]) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
  const c = spawn(process.execPath, [join(root, 'bin', bin), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  c.stderr.on('data', (d: Buffer) => { stderr += d; });
  c.on('exit', (status) => resolve({ status, stderr }));
});

test('the image layout runs the agent and the compiler from their bundles alone', { timeout: 120_000 }, async () => {
  await build('vigil');
  await build('rulec');
  // The image installs with --omit=dev: what the bundles import must be a dependency.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of ['vigil', 'rulec']) {
    const { packages } = JSON.parse(readFileSync(join(ROOT, `dist/${name}.inputs.json`), 'utf8')) as { packages: string[] };
    assert.ok(packages.includes('yaml'), `${name}: the stamp lists the imported packages (${packages.join(', ')})`);
    for (const p of packages) assert.ok(pkg.dependencies[p], `${name} imports ${p}, which is not in "dependencies" (the image omits dev dependencies)`);
  }
  const image = join(dir, 'image');
  layImage(image);
  assert.ok(!existsSync(join(image, 'runtime/cli/main.ts')), 'no TypeScript sources in the image');
  assert.ok(existsSync(join(image, 'dist/vigil.mjs')));

  const v = run(image, 'vigil.mjs', 'version');
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^vigil \d+\.\d+\.\d+/);

  // Rules compiled in the compiler's child process against the image's AssemblyScript library.
  const rules = join(dir, 'story.yaml');
  writeFileSync(rules, STORY_RULES);
  const cap = join(dir, 'story.vcap');
  const w = await VcapWriter.open(cap, { bootToEpochNs: 1_700_000_000_000_000_000n });
  w.write(story());
  await w.close();
  const fromImage = run(image, 'vigil.mjs', 'replay', cap, '-r', rules, '--json', '-o', 'hostname=h');
  const fromCheckout = run(ROOT, 'vigil.mjs', 'replay', cap, '-r', rules, '--json', '-o', 'hostname=h');
  assert.equal(fromImage.status, 0, fromImage.stderr);
  const strip = (s: string) => s.split('\n').filter(Boolean).map((l) => { const j = JSON.parse(l); delete j.uuid; delete j.id; return j; });
  assert.equal(strip(fromImage.stdout).length, 3);
  assert.deepEqual(strip(fromImage.stdout), strip(fromCheckout.stdout));

  // Protobuf bodies (the .proto read at run time) to a real local webhook.
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => { bodies.push(Buffer.concat(parts)); res.end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const pb = await runAsync(image, 'vigil.mjs', 'replay', cap, '-r', rules, '-o', 'stdout_output.enabled=false', '-o', 'http_output.enabled=true',
    '-o', `http_output.url=http://127.0.0.1:${port}/`, '-o', 'http_output.format=protobuf');
  server.close();
  assert.equal(pb.status, 0, pb.stderr);
  await loadProtobuf();
  assert.deepEqual(bodies.map((b) => decodeAlert(b).rule), ['shadow read', 'any open by cat', 'close']);

  // The default rules, found beside the bundle when no rules file is configured.
  const scap = join(ROOT, '../shared/falco/captures/cat_write.scap');
  const d = run(image, 'vigil.mjs', 'replay', scap);
  assert.equal(d.status, 0, d.stderr);
  const list = run(image, 'rulec.mjs', 'list', ...['macros.yaml', 'file.yaml'].map((f) => join(image, 'rules', f)).filter(existsSync));
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /\tsyscall\t/);
  rmSync(dir, { recursive: true, force: true });
});
