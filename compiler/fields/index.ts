// Field tables by event source. The checker looks a rule's fields up in its source's table;
// a new source registers its table here.
import type { FieldDef, FieldTable } from './types.js';
import { syscallFields } from './syscall.js';
import { k8sAuditFields } from './k8saudit.js';

// Extractors take the source's own event type; callers that extract know which source they hold.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFieldTable = FieldTable<any>;

const TABLES = new Map<string, AnyFieldTable>([
  ['syscall', syscallFields],
  ['k8s_audit', k8sAuditFields],
]);

export function fieldTable(source: string): AnyFieldTable | undefined { return TABLES.get(source); }
export function registerFieldTable(table: AnyFieldTable): void { TABLES.set(table.source, table); }
export function sources(): string[] { return [...TABLES.keys()]; }

/**
 * Finds the definition for a field name as written. Falco lets a key argument follow a dot
 * (`evt.arg.flags` is `evt.arg` with key `flags`), so when the full name is not a field we try
 * the longest field-name prefix that takes a key argument.
 */
export function lookupField(table: AnyFieldTable, name: string): { def: FieldDef; dotKey?: string } | undefined {
  const exact = table.fields.get(name);
  if (exact) return { def: exact };
  for (let i = name.lastIndexOf('.'); i > 0; i = name.lastIndexOf('.', i - 1)) {
    const def = table.fields.get(name.slice(0, i));
    if (def?.arg && def.arg.kind !== 'index') return { def, dotKey: name.slice(i + 1) };
  }
  return undefined;
}
