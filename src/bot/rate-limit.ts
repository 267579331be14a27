/**
 * At most `max` events per key in any window of `windowMs` (a sliding log, not fixed buckets, so a
 * burst straddling a bucket edge cannot double the limit). The clock is injected for tests; by
 * default it is monotonic, since only the time between events matters.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private takes = 0;

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records an event for the key if the limit allows it; otherwise says how long until it would. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const now = this.now();
    if (++this.takes % 1000 === 0) this.sweep(now);
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.max) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterMs: recent[0]! + this.windowMs - now };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { allowed: true };
  }

  /** Forgets keys with no event inside the window, so memory follows active users only. */
  private sweep(now: number): void {
    for (const [key, times] of this.hits) if (times.at(-1)! <= now - this.windowMs) this.hits.delete(key);
  }

  get trackedKeys(): number {
    return this.hits.size;
  }
}
