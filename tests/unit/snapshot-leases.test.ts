import { describe, expect, it } from 'vitest';
import { SnapshotLeases } from '../../src/engine/snapshot-leases.js';

class FakeSnapshot {
  closed = 0;
  constructor(readonly name: string) {}
  close(): void {
    this.closed++;
  }
}

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('SnapshotLeases', () => {
  it('closes a swapped-out snapshot at once when no lease holds it', () => {
    const a = new FakeSnapshot('a');
    const leases = new SnapshotLeases(a);
    leases.swap(new FakeSnapshot('b'));
    expect(a.closed).toBe(1);
    expect(leases.current.name).toBe('b');
  });

  it('keeps a snapshot open while a lease on it awaits, and closes it when the last lease ends', async () => {
    const a = new FakeSnapshot('a');
    const leases = new SnapshotLeases(a);
    const first = gate();
    const second = gate();
    const reads = [
      leases.with(async (snap) => {
        await first.opened;
        return `${snap.name}:${snap.closed}`;
      }),
      leases.with(async (snap) => {
        await second.opened;
        return `${snap.name}:${snap.closed}`;
      }),
    ];
    const b = new FakeSnapshot('b');
    leases.swap(b);
    expect(leases.current).toBe(b);
    expect(a.closed).toBe(0);
    first.open();
    expect(await reads[0]).toBe('a:0');
    expect(a.closed).toBe(0);
    second.open();
    expect(await reads[1]).toBe('a:0');
    expect(a.closed).toBe(1);
    expect(b.closed).toBe(0);
  });

  it('is busy while a question holds the live snapshot, and not for one still on a swapped-out one', async () => {
    const leases = new SnapshotLeases(new FakeSnapshot('a'));
    expect(leases.busy).toBe(false);
    const question = gate();
    const asking = leases.with(() => question.opened);
    expect(leases.busy).toBe(true);
    leases.swap(new FakeSnapshot('b'));
    expect(leases.busy).toBe(false); // the live one is b, which nobody holds
    question.open();
    await asking;
  });

  it('ends a lease when its use fails', async () => {
    const a = new FakeSnapshot('a');
    const leases = new SnapshotLeases(a);
    const failing = leases.with(async () => {
      await Promise.resolve();
      throw new Error('query failed');
    });
    leases.swap(new FakeSnapshot('b'));
    await expect(failing).rejects.toThrow('query failed');
    expect(a.closed).toBe(1);
  });

  it('ignores a swap to the live snapshot, and close waits for leases too, closing once', async () => {
    const a = new FakeSnapshot('a');
    const leases = new SnapshotLeases(a);
    leases.swap(a);
    expect(a.closed).toBe(0);
    const done = gate();
    const read = leases.with(() => done.opened);
    leases.close();
    leases.close();
    expect(a.closed).toBe(0);
    done.open();
    await read;
    expect(a.closed).toBe(1);
  });
});
