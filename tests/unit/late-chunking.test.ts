import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRows, ownedRanges, pieceBounds, planWindows, sentenceRanges } from '../../src/embedding/late-chunking.js';

const LIMITS = { first: 10, capacity: 8, context: 2 };

describe('pieceBounds', () => {
  it('cuts a text so that each sentence is a piece of its own', () => {
    const text = 'Title. First one. Second one.';
    const bounds = pieceBounds(text.length, [
      { start: 7, end: 17 },
      { start: 18, end: 29 },
    ]);
    expect(bounds).toEqual([0, 7, 17, 18, 29, 29]);
    const pieces = bounds.slice(1).map((end, i) => text.slice(bounds[i], end));
    expect(pieces).toEqual(['Title. ', 'First one.', ' ', 'Second one.', '']);
  });

  it('refuses sentences out of order or past the end', () => {
    expect(() => pieceBounds(20, [{ start: 5, end: 9 }, { start: 3, end: 4 }])).toThrow(/out of order/);
    expect(() => pieceBounds(20, [{ start: 5, end: 21 }])).toThrow(/outside/);
  });
});

describe('sentenceRanges', () => {
  it('places each sentence among the tokens from the token counts of the pieces', () => {
    // pieces: before (3 tokens), sentence (4), gap (0), sentence (2), after (1)
    expect(sentenceRanges([3, 4, 0, 2, 1])).toEqual([
      { start: 3, end: 7 },
      { start: 7, end: 9 },
    ]);
  });
});

/** A passage's token count and window limits. */
const texts = fc
  .record({
    total: fc.integer({ min: 0, max: 200 }),
    first: fc.integer({ min: 1, max: 40 }),
    capacity: fc.integer({ min: 2, max: 40 }),
    context: fc.integer({ min: 0, max: 39 }),
  })
  .filter(({ capacity, context }) => context < capacity);

describe('planWindows', () => {
  it('needs one window when the passage fits', () => {
    expect(planWindows(9, 9, LIMITS)).toEqual([{ start: 0, end: 9 }]);
  });

  it('tiles the tokens past the first window, each further window starting `context` tokens before the last ends', () => {
    // First window 10 tokens; each further one holds 8, 2 of them shared with the one before.
    expect(planWindows(20, 20, LIMITS)).toEqual([
      { start: 0, end: 10 },
      { start: 8, end: 16 },
      { start: 14, end: 20 },
    ]);
  });

  it('stops where the last sentence ends, however long the text after it', () => {
    expect(planWindows(10, 30, LIMITS)).toEqual([{ start: 0, end: 10 }]);
    expect(planWindows(11, 30, LIMITS)).toEqual([
      { start: 0, end: 10 },
      { start: 8, end: 16 },
    ]);
  });

  it('refuses a context as long as a window, which would never advance', () => {
    expect(() => planWindows(20, 20, { first: 10, capacity: 4, context: 4 })).toThrow(/context/);
  });

  it('reads every token up to the last sentence in some window, none longer than allowed or past the text', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 0, max: 200 }), ({ total, ...limits }, needed) => {
        const windows = planWindows(needed, total, limits);
        expect(windows[0]).toEqual({ start: 0, end: Math.min(total, limits.first) });
        for (const [i, w] of windows.slice(1).entries()) {
          expect(w.end - w.start).toBeLessThanOrEqual(limits.capacity);
          expect(w.end).toBeLessThanOrEqual(total);
          expect(w.start).toBe(windows[i]!.end - limits.context);
          expect(w.end).toBeGreaterThan(windows[i]!.end);
        }
        // The last window reaches the last sentence's end, and no window but the last stops short of it.
        expect(windows.at(-1)!.end).toBeGreaterThanOrEqual(Math.min(total, needed));
        for (const w of windows.slice(0, -1)) expect(w.end).toBeLessThan(Math.min(total, needed));
      }),
    );
  });
});

describe('ownedRanges', () => {
  it('splits each overlap at its middle', () => {
    const windows = [
      { start: 0, end: 10 },
      { start: 6, end: 16 },
      { start: 12, end: 20 },
    ];
    expect(ownedRanges(windows)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 14 },
      { start: 14, end: 20 },
    ]);
  });

  it('gives every token of the windows exactly once, from a window that holds it', () => {
    fc.assert(
      fc.property(texts, ({ total, ...limits }) => {
        const windows = planWindows(total, total, limits);
        const owned = ownedRanges(windows);
        let next = 0;
        owned.forEach((range, i) => {
          expect(range.start).toBe(next);
          expect(range.start).toBeGreaterThanOrEqual(windows[i]!.start);
          expect(range.end).toBeLessThanOrEqual(windows[i]!.end);
          next = range.end;
        });
        expect(next).toBe(windows.at(-1)!.end);
      }),
    );
  });
});

describe('addRows', () => {
  it('adds the rows of a token range into a sum', () => {
    // 3 tokens × 2 dimensions
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 10]);
    const sum = Float32Array.from([1, 1]);
    addRows(sum, hidden, 1, 3, 2);
    expect(Array.from(sum)).toEqual([9, 15]);
    addRows(sum, hidden, 2, 2, 2);
    expect(Array.from(sum)).toEqual([9, 15]);
  });
});
