// Token bucket per rule: a noisy rule cannot flood the outputs, and what it would have sent is
// counted rather than silently lost. Time is passed in so tests need no clock.

export interface RateLimitOptions {
  /** Tokens added per second. */
  rate: number;
  /** Bucket size: the burst a rule may send at once. */
  burst: number;
}

interface Bucket { tokens: number; last: number; suppressed: number }

export class RuleRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  suppressedTotal = 0;

  constructor(private readonly o: RateLimitOptions, private readonly now: () => number = () => performance.now()) {
    if (!(o.rate > 0) || !(o.burst >= 1)) throw new Error('rate limit needs rate > 0 and burst >= 1');
  }

  /** True if the rule may emit an alert now; otherwise counts one suppression. */
  allow(rule: string): boolean {
    const t = this.now();
    let b = this.buckets.get(rule);
    if (!b) { b = { tokens: this.o.burst, last: t, suppressed: 0 }; this.buckets.set(rule, b); }
    b.tokens = Math.min(this.o.burst, b.tokens + ((t - b.last) / 1000) * this.o.rate);
    b.last = t;
    if (b.tokens >= 1) { b.tokens -= 1; return true; }
    b.suppressed++;
    this.suppressedTotal++;
    return false;
  }

  suppressed(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [k, b] of this.buckets) if (b.suppressed) m.set(k, b.suppressed);
    return m;
  }
}
