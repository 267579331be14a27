import { describe, expect, it } from 'vitest';
import { LatencyWindow } from '../../src/bot/latency.js';
import { percentile } from '../../src/util/percentile.js';
import { ProgressEditor } from '../../src/bot/progress-editor.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the nearest-rank value', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
    expect(percentile([10, 20, 30], 95)).toBe(30);
  });

  it('clamps to the first and last values', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 150)).toBe(100);
    expect(percentile(hundred, -5)).toBe(1);
    expect(percentile([7], 50)).toBe(7);
  });
});

describe('LatencyWindow', () => {
  it('summarizes nothing as a count of zero', () => {
    expect(new LatencyWindow().summary()).toEqual({ count: 0 });
  });

  it('gives the median and p95 of what it recorded, whatever the order', () => {
    const window = new LatencyWindow();
    const values = Array.from({ length: 20 }, (_, i) => (i * 7) % 20); // 0..19, shuffled
    for (const v of values) window.record(v * 10);
    expect(window.summary()).toEqual({ count: 20, medianMs: 90, p95Ms: 180 });
  });

  it('keeps only the most recent `size` values', () => {
    const window = new LatencyWindow(3);
    for (const v of [1000, 2000, 3000, 1, 2, 3]) window.record(v);
    expect(window.summary()).toEqual({ count: 3, medianMs: 2, p95Ms: 3 });
    window.record(4);
    expect(window.summary()).toEqual({ count: 3, medianMs: 3, p95Ms: 4 });
  });

  it('caps at 500 values by default', () => {
    const window = new LatencyWindow();
    for (let i = 0; i < 600; i++) window.record(i);
    const summary = window.summary();
    expect(summary.count).toBe(500);
    // 100..599 remain: nearest-rank median is the 250th, p95 the 475th.
    expect(summary.medianMs).toBe(349);
    expect(summary.p95Ms).toBe(574);
  });
});

/** A promise resolved or rejected from outside. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks run; no timers involved. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An edit function whose calls stay pending until the test resolves them, recording concurrency. */
function controlledEdit() {
  const calls: { text: string; done: ReturnType<typeof deferred> }[] = [];
  let active = 0;
  let maxActive = 0;
  const edit = async (text: string) => {
    const done = deferred();
    calls.push({ text, done });
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      await done.promise;
    } finally {
      active--;
    }
  };
  return { edit, calls, texts: () => calls.map((c) => c.text), maxActive: () => maxActive };
}

function fakeClock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('ProgressEditor', () => {
  it('sends the first offer at once', async () => {
    const clock = fakeClock(5_000);
    const texts: string[] = [];
    const editor = new ProgressEditor(async (t) => void texts.push(t), 1_000, clock.now);
    editor.offer('embedding 1/10');
    await settle();
    expect(texts).toEqual(['embedding 1/10']);
  });

  it('drops offers within the interval of the last sent one', async () => {
    const clock = fakeClock();
    const texts: string[] = [];
    const editor = new ProgressEditor(async (t) => void texts.push(t), 1_000, clock.now);
    editor.offer('a');
    clock.advance(500);
    editor.offer('b');
    clock.advance(499);
    editor.offer('c');
    clock.advance(1);
    editor.offer('d');
    clock.advance(999);
    editor.offer('e');
    clock.advance(1);
    editor.offer('f');
    await settle();
    await editor.finish();
    expect(texts).toEqual(['a', 'd', 'f']);
  });

  it('edits one at a time, in order, never concurrently', async () => {
    const clock = fakeClock();
    const ctl = controlledEdit();
    const editor = new ProgressEditor(ctl.edit, 100, clock.now);
    editor.offer('one');
    clock.advance(100);
    editor.offer('two');
    clock.advance(100);
    editor.offer('three');
    await settle();
    expect(ctl.texts()).toEqual(['one']); // the others wait for it
    ctl.calls[0]!.done.resolve();
    await settle();
    expect(ctl.texts()).toEqual(['one', 'two']);
    ctl.calls[1]!.done.resolve();
    await settle();
    expect(ctl.texts()).toEqual(['one', 'two', 'three']);
    ctl.calls[2]!.done.resolve();
    await editor.finish();
    expect(ctl.maxActive()).toBe(1);
  });

  it('sends nothing after finish()', async () => {
    const clock = fakeClock();
    const texts: string[] = [];
    const editor = new ProgressEditor(async (t) => void texts.push(t), 100, clock.now);
    editor.offer('before');
    await settle();
    await editor.finish();
    clock.advance(10_000);
    editor.offer('after');
    await settle();
    expect(texts).toEqual(['before']);
  });

  it('drops an edit queued behind one in flight when finish() is called', async () => {
    const clock = fakeClock();
    const ctl = controlledEdit();
    const editor = new ProgressEditor(ctl.edit, 100, clock.now);
    editor.offer('in flight');
    await settle();
    clock.advance(100);
    editor.offer('queued');
    const finished = editor.finish();
    ctl.calls[0]!.done.resolve();
    await finished;
    await settle();
    expect(ctl.texts()).toEqual(['in flight']);
  });

  it('drops an offer that has not started yet when finish() is called in the same tick', async () => {
    // Edits start on a later microtask; finish() wins, so the final message is never overwritten.
    const texts: string[] = [];
    const editor = new ProgressEditor(async (t) => void texts.push(t), 100, () => 0);
    editor.offer('too late');
    await editor.finish();
    expect(texts).toEqual([]);
  });

  it('finish() waits for the edit in flight', async () => {
    const clock = fakeClock();
    const ctl = controlledEdit();
    const editor = new ProgressEditor(ctl.edit, 100, clock.now);
    editor.offer('slow');
    await settle();
    let finished = false;
    const done = editor.finish().then(() => (finished = true));
    await settle();
    expect(finished).toBe(false);
    ctl.calls[0]!.done.resolve();
    await done;
    expect(finished).toBe(true);
  });

  it('keeps editing after a failed edit, and finish() does not reject', async () => {
    const clock = fakeClock();
    const ctl = controlledEdit();
    const editor = new ProgressEditor(ctl.edit, 100, clock.now);
    editor.offer('fails');
    await settle();
    ctl.calls[0]!.done.reject(new Error('Discord 500'));
    await settle();
    clock.advance(100);
    editor.offer('works');
    await settle();
    expect(ctl.texts()).toEqual(['fails', 'works']);
    ctl.calls[1]!.done.resolve();
    await expect(editor.finish()).resolves.toBeUndefined();
  });

  it('keeps editing after an edit that throws synchronously', async () => {
    const clock = fakeClock();
    const texts: string[] = [];
    let first = true;
    const editor = new ProgressEditor(
      (t) => {
        if (first) {
          first = false;
          throw new Error('sync failure');
        }
        texts.push(t);
        return Promise.resolve();
      },
      100,
      clock.now,
    );
    editor.offer('a');
    clock.advance(100);
    editor.offer('b');
    await settle();
    await expect(editor.finish()).resolves.toBeUndefined();
    expect(texts).toEqual(['b']);
  });

  it('finish() with nothing offered resolves at once', async () => {
    const editor = new ProgressEditor(async () => undefined, 100, () => 0);
    await expect(editor.finish()).resolves.toBeUndefined();
  });
});
