#!/usr/bin/env node
// Launcher for the rule compiler CLI: runs the bundled compiler (bin/bundle.mjs says why a bundle).
import { load } from './bundle.mjs';

// `rulec list ... | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
let mod;
try { mod = await load('rulec'); } catch (e) { process.stderr.write(`rulec: ${e.message}\n`); process.exit(2); }
process.exitCode = await mod.main(process.argv.slice(2));
