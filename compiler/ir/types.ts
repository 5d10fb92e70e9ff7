// The typed IR between the front end and everything that evaluates rules: the reference
// interpreter and the AssemblyScript/WASM back end. Lists and macros are expanded, values are
// converted to the field's type, event types are computed. Every node keeps the source span of the
// text it came from (with the macro expansion chain in span.via).
import type { Span } from '../diag.js';

/** Value types of fields, as Falco names them (PT_* in libsinsp), reduced to what comparison needs. */
export type FieldType =
  | 'string'   // text: proc.name, fd.name...
  | 'int'      // signed or unsigned integers: pids, uids, counts, fds, ports, flags as numbers
  | 'bool'
  | 'ipaddr'   // an IPv4/IPv6 address
  | 'ipnet'    // a network in CIDR form
  | 'bytes'    // raw buffers (evt.buffer), for bcontains/bstartswith
  | 'reltime'  // durations in ns
  | 'abstime'; // epoch timestamps in ns

/** Field argument: `proc.aname[2]` (index), `proc.env[HOME]` (key), `evt.arg.flags` (key). */
export type FieldArg = { kind: 'index'; value: number } | { kind: 'key'; value: string };

export type TransformerName = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len' | 'join' | 'concat' | 'getopt' | 'val';

export interface FieldRef {
  /** Canonical field name from the field table, e.g. 'proc.aname', 'evt.arg'. */
  field: string;
  arg?: FieldArg;
  type: FieldType;
  /** The field yields several values (proc.args as list, fd.types, ka.req.pod.containers.image). */
  multi: boolean;
  span: Span;
}

/** A value expression: a field, or transformers applied to values. */
export type ValueExpr =
  | { k: 'field'; ref: FieldRef; type: FieldType; multi: boolean; span: Span }
  | { k: 'transform'; name: TransformerName; args: ValueExpr[]; /** for join/getopt */ param?: string; type: FieldType; multi: boolean; span: Span }
  | { k: 'literal'; value: Literal; type: FieldType; span: Span };

export type Literal = string | bigint | boolean | IpNet | Uint8Array;
export interface IpNet { family: 4 | 6; bytes: Uint8Array; prefix: number }

export type CmpOp =
  | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'icontains' | 'bcontains' | 'startswith'
  | 'bstartswith' | 'endswith' | 'glob' | 'iglob' | 'regex' | 'in' | 'intersects' | 'pmatch';

/** Modifier for multi-valued left sides: how many of its values must satisfy the comparison. */
export type Quantifier = 'oneof' | 'anyof' | 'allof';

export type IrExpr =
  | { k: 'and'; args: IrExpr[]; span: Span }
  | { k: 'or'; args: IrExpr[]; span: Span }
  | { k: 'not'; arg: IrExpr; span: Span }
  | { k: 'const'; value: boolean; span: Span }
  | { k: 'exists'; lhs: ValueExpr; span: Span }
  /**
   * A comparison. `rhs` is one value for scalar operators, a list for in/intersects/pmatch, or
   * another value expression for field-to-field comparisons (`val(...)`, or a bare field on the right).
   * Literals are already converted to the type the operator compares in.
   */
  | { k: 'cmp'; op: CmpOp; lhs: ValueExpr; rhs: ValueExpr | { k: 'list'; items: ValueExpr[]; span: Span }; quant?: Quantifier; span: Span };

export type Priority = 'EMERGENCY' | 'ALERT' | 'CRITICAL' | 'ERROR' | 'WARNING' | 'NOTICE' | 'INFORMATIONAL' | 'DEBUG';
/** Falco's order: lower number is more severe. */
export const PRIORITIES: Priority[] = ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'DEBUG'];

export interface IrRule {
  /** Position in the compiled rule set, from 0; the filter reports matches by this id. */
  id: number;
  name: string;
  desc: string;
  priority: Priority;
  tags: string[];
  source: string;
  output: string;
  /** Fields the output string prints, in order of appearance. */
  outputFields: FieldRef[];
  condition: IrExpr;
  /** Event type names the rule can match; null when it can match every type (LOAD_NO_EVTTYPE case). */
  eventTypes: string[] | null;
  enabled: boolean;
  span: Span;
}

export interface IrRuleSet {
  rules: IrRule[];
  /** Every distinct field (with argument) read by any enabled rule's condition, for the state stage and the back end. */
  fieldsUsed: FieldRef[];
  /** Union of the enabled rules' event types per source: the kernel's interest set for 'syscall'. */
  eventTypes: Record<string, string[] | null>;
}
