/** What the leases need of a snapshot: IndexSnapshot, or a stand-in in tests. */
export interface Closable {
  close(): void;
}

interface Held<T> {
  snapshot: T;
  leases: number;
  retired: boolean;
  closed: boolean;
}

/**
 * The live snapshot and the leases queries hold on snapshots. A swap makes a new snapshot live at
 * once; the old one is closed only when its last lease ends, so a query that awaits while holding a
 * lease never reads a closed file.
 */
export class SnapshotLeases<T extends Closable> {
  private live: Held<T>;

  constructor(snapshot: T) {
    this.live = { snapshot, leases: 0, retired: false, closed: false };
  }

  /** The live snapshot, for a glance that neither awaits nor keeps it. */
  get current(): T {
    return this.live.snapshot;
  }

  /** Whether a question is under way on the live snapshot (holds a lease on it). */
  get busy(): boolean {
    return this.live.leases > 0;
  }

  /** Runs `use` on the live snapshot, which stays open until `use` has finished (or failed). */
  async with<R>(use: (snapshot: T) => Promise<R>): Promise<R> {
    const held = this.live;
    held.leases++;
    try {
      return await use(held.snapshot);
    } finally {
      held.leases--;
      this.closeIfDone(held);
    }
  }

  /** Makes `next` live; the old snapshot closes now, or when its last lease ends. */
  swap(next: T): void {
    if (next === this.live.snapshot) return;
    const old = this.live;
    this.live = { snapshot: next, leases: 0, retired: false, closed: false };
    this.retire(old);
  }

  /** Retires the live snapshot: it closes now, or when its last lease ends. */
  close(): void {
    this.retire(this.live);
  }

  private retire(held: Held<T>): void {
    held.retired = true;
    this.closeIfDone(held);
  }

  private closeIfDone(held: Held<T>): void {
    if (held.retired && held.leases === 0 && !held.closed) {
      held.closed = true;
      held.snapshot.close();
    }
  }
}
