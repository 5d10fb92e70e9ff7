#!/usr/bin/env node
// Launcher for the vigil agent CLI: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
const { main } = await import('../runtime/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
