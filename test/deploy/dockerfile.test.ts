import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// No container builder runs here, so check what a build would trip over: every COPY source
// exists in the repository, and the names the image relies on match the project's.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');

function globExists(pattern: string): boolean {
  if (!pattern.includes('*')) return existsSync(join(ROOT, pattern));
  const dir = pattern.slice(0, pattern.lastIndexOf('/'));
  const re = new RegExp(`^${pattern.slice(dir.length + 1).replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
  return readdirSync(join(ROOT, dir)).some((f) => re.test(f));
}

test('every COPY source of deploy/Dockerfile exists', () => {
  // COPY --from takes from an earlier stage, not the repository (image-layout.test.ts runs those).
  const copies = dockerfile.split('\n').filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
  assert.ok(copies.length >= 5);
  for (const line of copies) {
    const parts = line.split(/\s+/).slice(1).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) assert.ok(globExists(src), `COPY source missing: ${src}`);
  }
});

test('the image runs the package\'s vigil bin through the entrypoint, with the rules the chart loads', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.ok(existsSync(join(ROOT, pkg.bin.vigil!)), `${pkg.bin.vigil} exists`);
  assert.match(dockerfile, new RegExp(`ln -s /usr/lib/vigil/${pkg.bin.vigil!.replace('.', '\\.')} /usr/local/bin/vigil`));
  assert.match(dockerfile, /ENTRYPOINT \["\/usr\/local\/bin\/vigil-entrypoint"\]/);
  assert.match(dockerfile, /npm ci --omit=dev/);
  const chartConfig = readFileSync(join(ROOT, 'deploy/helm/vigil/templates/configmap.yaml'), 'utf8');
  const listed = [...chartConfig.matchAll(/\/usr\/lib\/vigil\/rules\/([\w-]+\.yaml)/g)].map((m) => m[1]);
  const shipped = readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.yaml'));
  assert.deepEqual([...listed].sort(), [...shipped].sort(), 'the chart config loads every default rule file');
  assert.equal(listed[0], 'macros.yaml', 'macros first');
});
