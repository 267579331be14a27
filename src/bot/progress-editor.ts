/**
 * Shows progress by editing a reply, at most once per interval (Discord rate-limits edits), always in
 * order, and never after `finish()`: the final summary must not be overwritten by a late progress edit.
 * The interval is real time (Discord's limit is), so the clock is monotonic unless a test injects one.
 */
export class ProgressEditor {
  private lastSentAt = -Infinity;
  private inFlight: Promise<unknown> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly edit: (text: string) => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Offers a progress line; it is sent only if the interval has passed since the last edit. */
  offer(text: string): void {
    const now = this.now();
    if (this.finished || now - this.lastSentAt < this.intervalMs) return;
    this.lastSentAt = now;
    this.inFlight = this.inFlight.then(() => (this.finished ? undefined : this.edit(text))).catch(() => undefined);
  }

  /** Stops further edits and waits for the one in flight. */
  async finish(): Promise<void> {
    this.finished = true;
    await this.inFlight;
  }
}
