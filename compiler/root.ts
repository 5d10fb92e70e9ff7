// The checkout's (or the image's) top directory, for the project's own files read at run time
// (bundled rules, the AssemblyScript library, the .proto, worker scripts). This file sits one level
// below the top, as does the launcher's bundle (dist/*.mjs), so the same expression is right from
// the sources and from the bundle; no other TypeScript module resolves a path against its own
// location (the plain-JavaScript children, asc-worker.mjs and read-worker.mjs, run unbundled).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT_URL = new URL('../', import.meta.url);
export const ROOT = fileURLToPath(ROOT_URL);
export const rootPath = (rel: string): string => join(ROOT, rel);
