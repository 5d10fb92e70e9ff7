// Falco's eight priorities, most severe first. The numeric order is syslog's severity order, so an
// output's minimum priority is a simple `<=` on the number.

export const PRIORITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'] as const;
export type Priority = (typeof PRIORITIES)[number];

const ALIASES: Record<string, Priority> = {
  emergency: 'Emergency', alert: 'Alert', critical: 'Critical', error: 'Error', warning: 'Warning',
  notice: 'Notice', informational: 'Informational', info: 'Informational', debug: 'Debug',
};

/** Parses a priority as rule files and configs spell it (any case, `info` accepted). */
export function parsePriority(s: string): Priority | undefined {
  return ALIASES[s.trim().toLowerCase()];
}

/** 0 (Emergency) .. 7 (Debug), which is also the syslog severity. */
export function priorityLevel(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** True when `p` is at least as severe as `min`. */
export function meetsMinimum(p: Priority, min: Priority): boolean {
  return priorityLevel(p) <= priorityLevel(min);
}
