// Replays a scap capture through the state stage: metadata blocks seed the tables, enter events
// wait for their exits, and each syscall comes out once, as its exit with the enter's parameters
// (current Falco's semantics). Errors stop the stream after every earlier event was delivered.
import { createReadStream } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Event } from '../../../schema/model.js';
import type { DecodedRecord } from '../../decode/record.js';
import { State } from '../../state/state.js';
import { oldestKey } from '../../state/bounded-map.js';
import type { StateSeeds } from '../../filter/seed.js';
import { blocksFrom, blocksOf, DEFAULT_MAX_BLOCK, SHB, type Block } from './blocks.js';
import { decodeEvent, EVENT_BLOCKS, type ScapEvent } from './decode-event.js';
import { ScapError } from './errors.js';
import { containerOfCgroups, FDL, FDL_V2, hostnameOf, IL, IL_V2, MI, PL_TYPES, readFdList, readIfList, readProcList, readUserList, UL, UL_V2, type Iface } from './lists.js';
import { toVigil } from './to-vigil.js';

export interface ReplayEvent {
  /** evt.num: position among evaluated events, from 1. */
  num: number;
  /** Falco's event name (evt.type), e.g. 'open', 'procinfo'. */
  name: string;
  scapType: number;
  /** Vigil record: schema type when Vigil has the event, type 0 otherwise. */
  record: DecodedRecord;
  /** Builds the full Event from the current state (call before pulling the next event). */
  event(): Event;
}

/** A class, not an object with a closure: a closure per event costs a defineProperty under tsx. */
class Replayed implements ReplayEvent {
  constructor(private readonly st: State, readonly num: number, readonly name: string, readonly scapType: number,
    readonly record: DecodedRecord, private readonly typeName: string | undefined) {}
  event(): Event { return this.st.toEvent(this.record, this.num, this.typeName); }
}

export interface ReplayStats {
  blocks: number; events: number;
  /** Every decoded event by scap type, enters included. */
  byType: Map<number, number>; evaluated: number; enters: number; orphanEnters: number;
  /** Events of types Vigil's table does not know, by scap type: counted and skipped. */
  unknown: Map<number, number>;
  /** Blocks of types this reader does not know, by type. */
  unknownBlocks: Map<number, number>;
  interfaces: Iface[];
}

export interface ReplayOptions {
  state?: State; maxBlock?: number; maxPendingEnters?: number;
  /**
   * Receives (copies of) what the capture's metadata adds to the state: process, fd and user lists,
   * container metadata, the hostname. A consumer that runs its own state from the records (a
   * Detector) is seeded through it as the capture goes, in stream order.
   */
  seeds?: StateSeeds;
}

export class ScapReplay {
  readonly state: State;
  readonly stats: ReplayStats = { blocks: 0, events: 0, byType: new Map(), evaluated: 0, enters: 0, orphanEnters: 0, unknown: new Map(), unknownBlocks: new Map(), interfaces: [] };
  private readonly pending = new Map<number, ScapEvent>();
  private readonly maxPending: number;
  private readonly seeds?: StateSeeds;
  constructor(opts: ReplayOptions = {}) {
    this.state = opts.state ?? new State();
    this.maxPending = opts.maxPendingEnters ?? 65536;
    this.seeds = opts.seeds;
  }

  /** Consumes one block; returns the evaluated event it carries, if any. */
  block(b: Block): ReplayEvent | null {
    this.stats.blocks++;
    try {
      return this.handle(b);
    } catch (e) {
      if (e instanceof ScapError) throw e;
      throw new ScapError(b.offset, `block type 0x${b.type.toString(16)}: ${(e as Error).message}`);
    }
  }

  private handle(b: Block): ReplayEvent | null {
    const st = this.state;
    if (EVENT_BLOCKS.has(b.type)) {
      const ev = decodeEvent(b.type, b.body, b.offset);
      this.stats.events++;
      this.stats.byType.set(ev.type, (this.stats.byType.get(ev.type) ?? 0) + 1);
      if (!ev.info) { this.stats.unknown.set(ev.type, (this.stats.unknown.get(ev.type) ?? 0) + 1); return null; }
      if (ev.info.dir === 'enter') {
        this.stats.enters++;
        if (this.pending.has(ev.tid)) this.stats.orphanEnters++;
        this.pending.delete(ev.tid);
        if (this.pending.size >= this.maxPending) { this.pending.delete(oldestKey(this.pending) as number); this.stats.orphanEnters++; }
        this.pending.set(ev.tid, ev);
        return null;
      }
      let enter: ScapEvent | undefined;
      if (ev.info.dir === 'exit') {
        const p = this.pending.get(ev.tid);
        if (p && p.type === ev.type - 1) { enter = p; this.pending.delete(ev.tid); }
      }
      // Vigil's records carry the container in the header; a capture says it through an exec's
      // cgroups. Known before the record is built, so the exec's own header names it.
      const cgroups = Array.isArray(ev.params.cgroups) && ev.info.dir === 'exit' && ev.params.res === 0 ? containerOfCgroups(ev.params.cgroups) : undefined;
      const before = st.threads.get(ev.tid);
      if (before && cgroups) before.containerId = cgroups;
      const ptid = ev.params.ptid;
      const creds = before ?? (typeof ptid === 'number' || typeof ptid === 'bigint' ? st.threads.get(Number(ptid)) : undefined);
      const { record, name } = toVigil(ev, enter, before, creds);
      st.apply(record);
      if (cgroups) {
        const t = st.threads.get(ev.tid);
        if (t) t.containerId = cgroups;
      } else if (ev.info.name === 'container' && typeof ev.params.json === 'string') this.container(ev.params.json);
      const num = ++this.stats.evaluated;
      const typeName = record.header.type === 0 ? name : undefined;
      return new Replayed(st, num, name, ev.type, record, typeName);
    }
    const seeds = this.seeds;
    if (PL_TYPES.includes(b.type)) {
      for (const t of readProcList(b.type, b.body, b.offset)) { st.threads.add(t); seeds?.thread({ ...t, fds: undefined, args: [...t.args], env: [...t.env] }); }
      return null;
    }
    switch (b.type) {
      case SHB: return null;
      case MI: { const h = hostnameOf(b.body); if (h) { st.hostname = h; seeds?.hostname(h); } return null; }
      case FDL: case FDL_V2: {
        const { tid, fds } = readFdList(b.type, b.body, b.offset);
        const t = st.threads.get(tid);
        if (t) for (const fd of fds) { st.threads.setFd(t, fd); seeds?.fd(t.pid, { ...fd }); }
        return null;
      }
      case UL: case UL_V2: {
        const { users, groups } = readUserList(b.type, b.body, b.offset);
        for (const u of users) { st.users.addUser(u); seeds?.user(u); }
        for (const g of groups) { st.users.addGroup(g); seeds?.group(g); }
        return null;
      }
      case IL: case IL_V2: this.stats.interfaces = readIfList(b.type, b.body, b.offset); return null;
    }
    this.stats.unknownBlocks.set(b.type, (this.stats.unknownBlocks.get(b.type) ?? 0) + 1);
    return null;
  }

  // Container metadata events (PPME_CONTAINER_JSON*): {"container": {id, name, image, ...}}.
  private container(json: string): void {
    let c: Record<string, unknown>;
    try { c = (JSON.parse(json) as { container?: Record<string, unknown> }).container ?? {}; } catch { return; } // bad metadata is not a bad capture
    if (typeof c.id !== 'string' || !c.id) return;
    const s = (k: string) => (typeof c[k] === 'string' ? c[k] as string : undefined);
    const info = {
      id: c.id.slice(0, 12), name: s('name'), image: s('image'), imageRepository: s('imagerepo'), imageTag: s('imagetag'),
      imageDigest: s('imagedigest'), imageId: s('imageid'), privileged: c.privileged === true,
      ...(c.labels && typeof c.labels === 'object' ? { labels: c.labels as Record<string, string> } : {}),
    };
    this.state.containers.set(info);
    this.seeds?.container({ ...info });
  }

  /** Replays a capture held in memory (gzip'd or plain). */
  *fromBuffer(buf: Uint8Array, maxBlock = DEFAULT_MAX_BLOCK): Generator<ReplayEvent> {
    let plain = buf;
    if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
      try { plain = gunzipSync(buf, { maxOutputLength: 1 << 30 }); } catch (e) { throw new ScapError(-1, `gzip data is corrupt: ${(e as Error).message}`); }
    }
    for (const b of blocksOf(plain, maxBlock)) { const e = this.block(b); if (e) yield e; }
  }

  /** Replays a streamed capture: a file path or any byte stream. Memory stays bounded by one block. */
  async *fromStream(src: string | AsyncIterable<Uint8Array>, maxBlock = DEFAULT_MAX_BLOCK): AsyncGenerator<ReplayEvent> {
    const input = typeof src === 'string' ? createReadStream(src) : src;
    for await (const b of blocksFrom(input, maxBlock)) { const e = this.block(b); if (e) yield e; }
  }
}
