// Stable diagnostic codes of the rule loader. Tools and tests match on these strings, so a code is
// never renamed or reused for another meaning; add new ones instead.

export const LOAD_CODES = {
  /** The file could not be read (missing, a directory, no permission). */
  LOAD_FILE_UNREADABLE: 'error',
  /** The YAML itself is malformed; the message is the YAML parser's. */
  LOAD_YAML_SYNTAX: 'error',
  /** The same key appears twice in one mapping (YAML forbids it; Falco would keep only one silently). */
  LOAD_DUPLICATE_KEY: 'error',
  /** The top level of a rules file must be a sequence of items. */
  LOAD_NOT_A_LIST: 'error',
  /** A top-level mapping has none of rule/macro/list/required_* keys (skipped, as Falco does, with a warning). */
  LOAD_UNKNOWN_ITEM: 'warning',
  /** A key the item kind does not define (a typo such as `condtion`). Falco ignores these; we warn. */
  LOAD_UNKNOWN_KEY: 'warning',
  /** A key the item needs is missing (condition of a macro, desc/output/priority of a new rule...). */
  LOAD_MISSING_KEY: 'error',
  /** priority is not one of Falco's eight levels. */
  LOAD_BAD_PRIORITY: 'error',
  /** A value has the wrong YAML shape (an item that is not a mapping, a mapping where a string is needed, a non-boolean enabled...). */
  LOAD_BAD_TYPE: 'error',
  /** append/override/enable-only amends a rule, macro, list or exception that is not defined before it. */
  LOAD_APPEND_UNDEFINED: 'error',
  /** An override section is malformed, names a key that cannot be appended/replaced, or does not match the keys given. */
  LOAD_BAD_OVERRIDE: 'error',
  /** A rule item sets only `enabled`; Falco deprecates this for `override: {enabled: replace}`. */
  LOAD_DEPRECATED_ENABLED: 'warning',
  /** The deprecated `append: true` was used; `override:` is the supported form. */
  LOAD_DEPRECATED_APPEND: 'warning',
  /** required_engine_version is malformed or newer than this engine. */
  LOAD_ENGINE_VERSION: 'error',
  /** required_plugin_versions is malformed. */
  LOAD_BAD_PLUGIN_VERSION: 'error',
  /** An exception is malformed (fields/comps/values shapes disagree, unknown comparison). */
  LOAD_BAD_EXCEPTION: 'error',
  /** Lists that name each other in a loop. */
  LIST_CYCLE: 'error',
} as const;

export type LoadCode = keyof typeof LOAD_CODES;

/** The Falco rules engine version this loader implements, for required_engine_version checks. */
export const ENGINE_VERSION = '0.57.0';
