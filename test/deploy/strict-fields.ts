// Unknown-field check (what `kubeconform -strict` or a server's strict field validation does):
// the rendered objects are written as object literals typed with kubernetes-models' interfaces
// and type-checked by the project's TypeScript compiler, whose excess-property check rejects
// any field the API type does not have (a `readonly:` for `readOnly:` would otherwise pass the
// OpenAPI schema check, which allows unknown fields). The scratch project lives under
// node_modules/.cache so the package resolves and git ignores it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function typeImport(apiVersion: string, kind: string): string {
  const mod = apiVersion.startsWith('monitoring.coreos.com/')
    ? `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`
    : `kubernetes-models/${apiVersion}/${kind}`;
  return `import type { I${kind} } from '${mod}';`;
}

/** Returns the compiler's complaints, one line each, naming the object; empty when all fields are known. */
export function unknownFieldErrors(objs: Array<Record<string, any>>, tag: string): string[] {
  const dir = join(ROOT, 'node_modules/.cache/vigil-deploy-strict', tag);
  mkdirSync(dir, { recursive: true });
  const imports = new Set(objs.map((o) => typeImport(o.apiVersion, o.kind)));
  const body = objs.map((o, i) => `// ${o.kind}/${o.metadata?.name}\nexport const o${i}: I${o.kind} = ${JSON.stringify(o, null, 1)};`);
  writeFileSync(join(dir, 'objects.ts'), [...imports, ...body].join('\n') + '\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, types: [] },
    files: ['objects.ts'],
  }));
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  const r = spawnSync(tsc, ['-p', dir], { encoding: 'utf8' });
  if (r.status === 0) return [];
  const lines = (r.stdout + r.stderr).split('\n').filter((l) => /error TS/.test(l));
  if (lines.length === 0) throw new Error(`tsc failed without diagnostics: ${r.stdout}${r.stderr}`);
  return lines;
}
