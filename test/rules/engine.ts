// Compiles rule files with the real front end and evaluates events with the reference
// interpreter: the names of the rules an event fires.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFrontEnd, type FrontEndResult } from '../../compiler/frontend.js';
import { formatDiagnostic } from '../../compiler/diag.js';
import { fieldTable } from '../../compiler/fields/index.js';
import { evaluate, getterFor } from '../../compiler/interp/index.js';
import type { Event } from '../../schema/model.js';
import type { AuditEvent } from '../../compiler/fields/k8saudit-event.js';

export const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

/** The default set in load order: shared lists and macros first, then the themed files. */
export function defaultRuleFiles(): string[] {
  const themed = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yaml') && f !== 'macros.yaml').sort();
  return [join(RULES_DIR, 'macros.yaml'), ...themed.map((f) => join(RULES_DIR, f))];
}

export function compileOrThrow(files: string[]): FrontEndResult {
  const r = compileFrontEnd(files);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`rules do not compile:\n${errors.map(formatDiagnostic).join('\n')}`);
  return r;
}

/** Rules of `source` that fire on the event (an Event for syscall, an AuditEvent for k8s_audit). */
export function firedRules(compiled: FrontEndResult, ev: Event | AuditEvent, source = 'syscall'): string[] {
  const table = fieldTable(source);
  if (!table) throw new Error(`no ${source} field table`);
  const get = getterFor(table, ev);
  const type = source === 'syscall' ? (ev as Event).type : undefined;
  return compiled.ruleset.rules
    .filter((r) => r.enabled && r.source === source && (r.eventTypes === null || type === undefined || r.eventTypes.includes(type)))
    .filter((r) => evaluate(r.condition, get))
    .map((r) => r.name);
}
