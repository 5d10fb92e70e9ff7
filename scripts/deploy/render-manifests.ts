// Writes deploy/manifests/vigil.yaml: the chart's default render (release "vigil", namespace
// "vigil") for users without Helm. test/deploy checks that the committed file matches.
//   npx tsx scripts/deploy/render-manifests.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderChart, toStream } from './helm-template.js';

export const MANIFEST_FILE = fileURLToPath(new URL('../../deploy/manifests/vigil.yaml', import.meta.url));

export function manifestText(): string {
  return [
    '# Vigil, rendered from deploy/helm/vigil with default values by scripts/deploy/render-manifests.ts.',
    '# Do not edit: change the chart and re-run the script. Install with:',
    '#   kubectl create namespace vigil && kubectl apply -f deploy/manifests/vigil.yaml',
    toStream(renderChart({ name: 'vigil', namespace: 'vigil' })),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = manifestText();
  if (process.argv.includes('--check')) {
    if (readFileSync(MANIFEST_FILE, 'utf8') !== text) { console.error(`${MANIFEST_FILE} is stale: run npx tsx scripts/deploy/render-manifests.ts`); process.exit(1); }
  } else writeFileSync(MANIFEST_FILE, text);
}
