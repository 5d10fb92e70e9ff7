// Audit events for the k8s_audit cases: one of Falco's audit fixtures from ../shared (loaded, never
// copied) or an inline Event object, with `set` edits applied to a copy (dotted paths, numeric
// segments index arrays) to make variants and near-misses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auditEvent, type AuditEvent } from '../../compiler/fields/k8saudit-event.js';
import type { Json } from '../../compiler/fields/k8saudit-json.js';

const SHARED = fileURLToPath(new URL('../../../shared/falco/k8s_audit/', import.meta.url));

export interface AuditSpec { file?: string; json?: Record<string, Json>; set?: Record<string, Json> }

export function buildAuditEvent(spec: AuditSpec): AuditEvent {
  const base = spec.file ? JSON.parse(readFileSync(SHARED + spec.file, 'utf8')) as Record<string, Json> : spec.json;
  if (!base) throw new Error('audit case needs file or json');
  const obj = structuredClone(base);
  for (const [path, value] of Object.entries(spec.set ?? {})) {
    const keys = path.split('.');
    let cur: any = obj;
    for (const k of keys.slice(0, -1)) {
      if (cur[k] === undefined) cur[k] = /^\d+$/.test(k) ? [] : {};
      cur = cur[k];
    }
    cur[keys[keys.length - 1]!] = value;
  }
  return auditEvent(obj, JSON.stringify(obj));
}
