// Stable diagnostic codes of the condition stages (parse, check, lower). Tools and tests match on
// these strings: a code is never renamed or reused for another meaning; add new ones instead.
import type { Severity } from '../diag.js';

export const COND_CODES = {
  /** The condition text does not follow the grammar (unbalanced parens, missing value, bad quote). */
  COND_SYNTAX: 'error',
  /** A bare identifier names no macro. */
  COND_UNDEFINED_MACRO: 'error',
  /** A macro refers to itself, directly or through other macros. */
  COND_MACRO_CYCLE: 'error',
  /** `in some_name` (without parentheses) names no list. */
  COND_UNDEFINED_LIST: 'error',
  /** The field does not exist in the rule's source's field table. */
  COND_UNKNOWN_FIELD: 'error',
  /** A field argument is missing, not allowed, or of the wrong kind (`proc.aname[x]`). */
  COND_FIELD_ARG: 'error',
  /** `evt.arg.X` where no event in the schema has a parameter X. */
  COND_UNKNOWN_EVT_ARG: 'error',
  /** `evt.arg.X` where none of the rule's event types has a parameter X (always <NA> for this rule). */
  COND_EVT_ARG_NOT_IN_TYPES: 'warning',
  /** The operator cannot compare values of the field's type (`proc.name > 3`, `proc.pid glob x`). */
  COND_OP_TYPE: 'error',
  /** A literal cannot be converted to the field's type (`proc.pid = abc`, a malformed IP or CIDR). */
  COND_BAD_VALUE: 'error',
  /** A regular expression does not compile. */
  COND_BAD_REGEX: 'error',
  /** oneof/anyof/allof applied to a field that yields one value. */
  COND_QUANT_SCALAR: 'error',
  /** A transformer applied to a value of a type it does not take (tolower on a number). */
  COND_TRANSFORMER_TYPE: 'error',
  /** `evt.type = x` where x is no event type of the schema; the comparison can never be true. */
  COND_UNKNOWN_EVTTYPE: 'warning',
  /** The rule's condition does not restrict evt.type, so it runs on every event (Falco's warning). */
  LOAD_NO_EVTTYPE: 'warning',
  /** A macro no rule uses. */
  LOAD_UNUSED_MACRO: 'warning',
  /** A list no rule uses. */
  LOAD_UNUSED_LIST: 'warning',
  /** The rule's source has no field table here; the rule is skipped. */
  LOAD_UNKNOWN_SOURCE: 'warning',
  /** A rule with skip-if-unknown-filter: true used an unknown field and was skipped. */
  COND_SKIPPED_UNKNOWN_FILTER: 'warning',
  /** A `%field` of the output string is not a field of the rule's source. */
  COND_OUTPUT_FIELD: 'error',
} as const satisfies Record<string, Severity>;

export type CondCode = keyof typeof COND_CODES;
