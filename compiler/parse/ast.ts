// The condition AST: what the parser produces and macro/list expansion rewrites. Every node has a
// Span (file:line:col through SourceText), so later stages can point at the exact text.
import type { Span } from '../diag.js';
import type { Quantifier, TransformerName } from '../ir/types.js';

/** A literal as written: bare (`/etc`, `O_RDONLY`, `10.0.0.0/8`) or quoted (quotes removed, escapes applied). */
export interface ValueLit { text: string; quoted: boolean; span: Span }

export interface FieldNode {
  k: 'field';
  /** Field name as written (`proc.aname`, `evt.arg.flags`); the checker splits `evt.arg.flags` into field and key. */
  name: string;
  arg?: ValueLit;
  span: Span;
}

export interface TransformNode {
  k: 'transform';
  name: TransformerName;
  args: ValueNode[];
  /** Literal parameter of join (separator) and getopt (option letters), written first: `join(',', proc.args)`. */
  param?: ValueLit;
  span: Span;
}

/** A quoted string inside concat(): `concat(proc.name, ":")`. */
export interface LitNode { k: 'lit'; value: ValueLit; span: Span }

export type ValueNode = FieldNode | TransformNode | LitNode;

/** Right-hand sides: one value, a list literal, a bare list name (`in shell_binaries`), or a field/transformer (`val(...)`). */
export type RhsNode =
  | { k: 'value'; value: ValueLit; span: Span }
  | { k: 'list'; items: ValueLit[]; span: Span }
  | { k: 'listref'; name: string; span: Span }
  | { k: 'expr'; value: ValueNode; span: Span };

export type CondNode =
  | { k: 'and'; args: CondNode[]; span: Span }
  | { k: 'or'; args: CondNode[]; span: Span }
  | { k: 'not'; arg: CondNode; span: Span }
  /** A bare identifier: a macro reference. */
  | { k: 'ref'; name: string; span: Span }
  | { k: 'check'; lhs: ValueNode; op: string; opSpan: Span; rhs?: RhsNode; quant?: Quantifier; span: Span }
  /** Produced by the checker for a macro or check that cannot be resolved, so checking can go on. */
  | { k: 'const'; value: boolean; span: Span };

export const UNARY_OPS = new Set(['exists']);
export const NUM_OPS = new Set(['<', '<=', '>', '>=']);
export const STR_OPS = new Set(['=', '==', '!=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex']);
export const LIST_OPS = new Set(['in', 'intersects', 'pmatch']);
export const TRANSFORMERS = new Set<TransformerName>(['tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt', 'val']);
export const QUANTIFIERS = new Set<Quantifier>(['oneof', 'anyof', 'allof']);
