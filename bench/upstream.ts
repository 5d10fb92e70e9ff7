// The rule files the benchmarks run by default: upstream Falco's stable + incubating rules, read
// from ../shared beside the checkout (a compatibility target, never copied into the product).
const root = new URL('../', import.meta.url).pathname;

export const UPSTREAM_RULES = [`${root}../shared/falco/rules/falco_rules.yaml`, `${root}../shared/falco/rules/falco-incubating_rules.yaml`];

/** The rule files given on the command line, or upstream's. */
export const rulesOr = (given: string[]): string[] => (given.length ? given : UPSTREAM_RULES);
