#!/usr/bin/env node
// Launcher for the vigil agent CLI: runs the bundled agent (bin/bundle.mjs says why a bundle).
import { load } from './bundle.mjs';

process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
let mod;
try { mod = await load('vigil'); } catch (e) { process.stderr.write(`vigil: ${e.message}\n`); process.exit(2); }
process.exitCode = await mod.main(process.argv.slice(2));
