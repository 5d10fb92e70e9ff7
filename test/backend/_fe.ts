import { compileFrontEnd } from '../../compiler/frontend.js';
import { compileBackend } from '../../compiler/backend/index.js';
const t0 = Date.now();
const fe = compileFrontEnd(['../shared/falco/rules/falco_rules.yaml', '../shared/falco/rules/falco-incubating_rules.yaml']);
console.log('fe', Date.now() - t0, fe.ruleset.rules.length, fe.diagnostics.filter(d => d.severity === 'error').length);
const t1 = Date.now();
const r = await compileBackend(fe.ruleset, { skipUnsupported: true });
console.log('be', Date.now() - t1, r.wasm?.length, r.manifest.rules.filter(x => x.compiled).length);
const m = new Map<string, number>();
for (const d of r.diagnostics) { const k = d.message.replace(/^rule "[^"]*": /, ''); m.set(k, (m.get(k) ?? 0) + 1); }
console.log([...m].sort((a, b) => b[1] - a[1]));
