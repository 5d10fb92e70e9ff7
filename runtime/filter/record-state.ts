// The JS state both detectors keep from Vigil records: runtime/state's State, plus what the record
// header says that State leaves to the source. It builds the full Event only for a record that a
// rule matched (or that the interpreter must evaluate).
import { EVENTS_BY_NAME } from '../../schema/events.js';
import type { Event } from '../../schema/model.js';
import type { DecodedRecord } from '../decode/record.js';
import { State } from '../state/state.js';

const EXECS = new Set(['execve', 'execveat'].map((n) => EVENTS_BY_NAME.get(n)?.id ?? -1));

export class RecordState {
  constructor(readonly state: State = new State()) {}

  apply(rec: DecodedRecord): void {
    this.state.apply(rec);
    const h = rec.header;
    // A record's header names the container of the process as the kernel saw it at the event; an exec
    // is where a process enters a container (runc's init execs the workload), so it is taken there.
    if (EXECS.has(h.type) && h.dir !== 0 && rec.params.res === 0 && h.containerId) {
      const t = this.state.threads.get(h.tid);
      if (t) t.containerId = h.containerId;
    }
  }

  /** State.applyQuick: a close or an exit without decoding it; false when apply() must run. */
  applyQuick(v: DataView, off: number): boolean { return this.state.applyQuick(v, off); }

  /** State.toEvent, ancestors linked `depth` levels up (all the fields walk, by default). */
  event(rec: DecodedRecord, num: number, depth?: number): Event {
    const ev = this.state.toEvent(rec, num, undefined, depth);
    // container.* is the container the header names, as the WASM filter reads it (s_hdr at 80).
    const cid = rec.header.containerId;
    if (cid && cid !== ev.thread.containerId) {
      ev.thread.containerId = cid;
      const c = this.state.containers.get(cid);
      if (c) ev.container = c; else delete ev.container;
    }
    return ev;
  }
}
