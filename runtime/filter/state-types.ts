// The record types that change the JS state (runtime/state/state.ts acts on them) or carry
// parameters an exit record takes over from its enter. Beside the WASM filter, the JS state follows
// only these, so an event that changes nothing and matches nothing costs one header read in JS.
// The list mirrors state.ts's own; a type missing here would leave the JS state behind the module's.
import { EVENTS_BY_NAME } from '../../schema/events.js';
import { EVENT_SPECS } from '../decode/schema.gen.js';
import { changesOnlyFds } from '../state/state.js';

const NAMES = [
  'open', 'openat', 'openat2', 'creat', 'memfd_create', 'userfaultfd', 'socket', 'connect', 'accept', 'accept4', 'bind',
  'dup', 'dup2', 'dup3', 'close', 'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'procexit', 'chdir', 'fchdir',
  'setuid', 'setreuid', 'setresuid', 'setgid', 'setregid', 'setresgid',
];

/** Ids of the events the state trackers (the JS State and the filter module) keep their tables from. */
export const STATE_EVENT_IDS: readonly number[] = NAMES.map((n) => EVENTS_BY_NAME.get(n)?.id).filter((id): id is number => id !== undefined);

/** 1 at the schema ids whose records the JS state must see. */
export const STATE_TYPES = new Uint8Array(65536);
for (const id of STATE_EVENT_IDS) STATE_TYPES[id] = 1;
EVENT_SPECS.forEach((s, id) => { if (s?.enterParams) STATE_TYPES[id] = 1; });

/**
 * STATE_TYPES without the records that change only fds (State says which): what the JS state
 * follows when the filter module keeps the fds for it. Enter records whose exit takes their
 * parameters stay in.
 */
export const PROC_STATE_TYPES = new Uint8Array(65536);
for (const id of STATE_EVENT_IDS) if (!changesOnlyFds(id)) PROC_STATE_TYPES[id] = 1;
EVENT_SPECS.forEach((s, id) => { if (s?.enterParams) PROC_STATE_TYPES[id] = 1; });

/**
 * The events to ask the kernel for: what the rules can match, and always the records the process
 * and fd tables follow. Without them a host whose rules never name close, clone or procexit (the
 * default rules do not) would never see an fd closed, a fork's inherited fds or a process exit:
 * the tables would fill with the dead and name descriptors wrongly. Falco keeps the same events
 * on for the same reason.
 */
export function kernelInterest(ruleEvents: Iterable<number>): number[] {
  return [...new Set([...ruleEvents, ...STATE_EVENT_IDS])].sort((a, b) => a - b);
}
