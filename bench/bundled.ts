// Runs a benchmark script the way the agent itself runs: from an esbuild bundle (bin/bundle.mjs)
// in a child node process. tsx, which runs the scripts under bench/, names every closure as it is
// made (esbuild's keepNames); the alert path makes closures per event, and that naming was ~10% of
// its time in profiles: a figure measured under tsx was slower than the code users run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MARK = 'VIGIL_BENCH_BUNDLED';

/**
 * In the parent (tsx): bundles `script` to dist/NAME.mjs, runs it with this process's arguments
 * and exits with its status. In the bundled child: returns, and the script measures.
 */
export async function asBundle(script: string, name: string): Promise<void> {
  if (process.env[MARK]) return;
  const root = fileURLToPath(new URL('../', import.meta.url));
  const esbuild = await import('esbuild');
  // (dist/, beside the agent's own bundles: compiler/root.ts finds the checkout from there)
  const outfile = `${root}dist/${name}.mjs`;
  await esbuild.build({ entryPoints: [fileURLToPath(script)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
  await esbuild.stop?.();
  const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, [MARK]: '1' } });
  process.exit(r.status ?? 1);
}
