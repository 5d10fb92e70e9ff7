// A bounded event queue between the webhook and the filter. The webhook must not buffer without
// limit when rules evaluate slower than the API server sends, so a batch that does not fit is
// refused whole (the server answers 503 and the API server's webhook backend retries it).
import type { AuditEvent } from '../../../compiler/fields/k8saudit.js';

export class AuditQueue {
  private buf: AuditEvent[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(readonly capacity: number) {}

  get length(): number { return this.buf.length - this.head; }

  /** All of the batch, or none of it. */
  offer(batch: AuditEvent[]): boolean {
    if (this.closed || this.length + batch.length > this.capacity) return false;
    for (const e of batch) this.buf.push(e);
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
    return true;
  }

  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Everything queued so far (waiting for at least one), or [] once closed and drained. */
  async take(): Promise<AuditEvent[]> {
    while (this.length === 0) {
      if (this.closed) return [];
      await new Promise<void>((r) => { this.waiter = r; });
    }
    const out = this.head === 0 ? this.buf : this.buf.slice(this.head);
    this.buf = [];
    this.head = 0;
    return out;
  }
}
