#!/usr/bin/env node
// Launcher for the rule compiler CLI: runs the bundled compiler (bin/bundle.mjs says why a bundle).
import { runCli } from './bundle.mjs';

await runCli('rulec');
