import { describe, expect, it } from 'vitest';
import { runInBackground } from '../../src/util/cooperative.js';

function* counting(log: string[], steps: number): Generator<void> {
  for (let i = 0; i < steps; i++) {
    // Each step takes a little while, so that slices end and other work gets its turn.
    const until = performance.now() + 1;
    while (performance.now() < until);
    log.push(`step ${i}`);
    yield;
  }
}

describe('runInBackground', () => {
  it('runs a job to its end in slices, letting other work in between', async () => {
    const log: string[] = [];
    const done = runInBackground(counting(log, 12), 3, () => true);
    expect(log).toEqual([]); // nothing before the caller's own work is done
    const other = new Promise<void>((resolve) => setImmediate(() => (log.push('other'), resolve())));
    await Promise.all([done, other]);
    expect(log.filter((l) => l.startsWith('step'))).toHaveLength(12);
    const at = log.indexOf('other');
    expect(at).toBeGreaterThan(-1);
    expect(at).toBeLessThan(log.length - 1); // it came before the last step, not after the whole job
  });

  it('takes no step while busy, and goes on once not', async () => {
    const log: string[] = [];
    let busy = true;
    const done = runInBackground(counting(log, 5), 2, () => true, () => busy);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log).toEqual([]);
    busy = false;
    await done;
    expect(log).toHaveLength(5);
  });

  it('stops at the first slice once it is no longer wanted', async () => {
    const log: string[] = [];
    let wanted = true;
    const done = runInBackground(counting(log, 1000), 2, () => wanted);
    await new Promise((resolve) => setImmediate(resolve));
    wanted = false;
    await done;
    expect(log.length).toBeGreaterThan(0);
    expect(log.length).toBeLessThan(1000);
  });
});
