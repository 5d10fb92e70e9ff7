// How a reload tells people what happened: the compile errors as one log line each, and Vigil's
// internal alerts, so a rule change (or a rejected one) reaches the same outputs as detections: a
// silent change of what is being watched is itself worth a security team's attention.
import type { RuleInfo } from '../alerts/alert.js';
import { compileTemplate } from '../alerts/template.js';

export const RELOAD_OK_RULE: RuleInfo = {
  name: 'Vigil internal: rules reloaded',
  priority: 'Notice',
  source: 'internal',
  tags: ['vigil', 'internal'],
  output: compileTemplate('Rules changed: %vigil.rules rules now loaded from %vigil.rule_files (trigger=%vigil.trigger)'),
};

export const RELOAD_FAILED_RULE: RuleInfo = {
  name: 'Vigil internal: rules reload rejected',
  priority: 'Error',
  source: 'internal',
  tags: ['vigil', 'internal'],
  output: compileTemplate('Rule change rejected, the previous rules keep running: %vigil.errors error(s), first: %vigil.first_error (trigger=%vigil.trigger)'),
};

/**
 * The diagnostics of a RulesError (or a config error) as one line each. rules.ts joins them with
 * newlines after a heading line, and a diagnostic found through a macro continues on indented
 * "expanded at" lines: those are folded into their diagnostic so every line stands alone in a log.
 */
export function diagnosticLines(message: string): string[] {
  const lines = message.split('\n');
  const heading = /^rules do not compile/.test(lines[0]) ? 1 : 0;
  const out: string[] = [];
  for (const l of lines.slice(heading)) {
    if (/^\s/.test(l) && out.length) out[out.length - 1] += `; ${l.trim()}`;
    else if (l.trim()) out.push(l.trim());
  }
  return out.length ? out : [message.trim()];
}
