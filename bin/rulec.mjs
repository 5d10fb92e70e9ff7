#!/usr/bin/env node
// Launcher for the rule compiler CLI: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
// `rulec list ... | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
const { main } = await import('../compiler/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
