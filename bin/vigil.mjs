#!/usr/bin/env node
// Launcher for the vigil agent CLI: runs the bundled agent (bin/bundle.mjs says why a bundle).
import v8 from 'node:v8';
import { runCli } from './bundle.mjs';

// V8 grows the heap by up to 2x past what the last full collection kept, and the agent allocates
// fast (a replay of the bench world reached a 140 MB heap with ~30 MB live). A 1.2x step keeps it
// near the live size: a 1M-event replay stayed at 153 MB resident instead of 162-179 MB, in the
// same wall time, for ~10% more CPU on V8's GC threads. A setting of the user's own (NODE_OPTIONS,
// node flags) wins.
if (!`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes('heap-growing-percent')) v8.setFlagsFromString('--heap-growing-percent=20');

await runCli('vigil');
