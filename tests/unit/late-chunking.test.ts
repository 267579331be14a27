import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseWindow, meanRows, pieceBounds, planPassage, planWindows, sentenceRanges, type TokenRange } from '../../src/embedding/late-chunking.js';

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

describe('planWindows', () => {
  it('needs one window when the passage fits', () => {
    expect(planWindows([{ start: 2, end: 9 }], 9, LIMITS)).toEqual([{ start: 0, end: 9 }]);
  });

  it('starts a further window some context before the first sentence the first one cuts off', () => {
    const sentences = [
      { start: 0, end: 6 },
      { start: 6, end: 12 },
      { start: 12, end: 15 },
    ];
    // The second sentence runs past the first window (10 tokens): a window from 4, two tokens of context, holds it and the third.
    expect(planWindows(sentences, 15, LIMITS)).toEqual([
      { start: 0, end: 10 },
      { start: 4, end: 12 },
      { start: 10, end: 15 },
    ]);
  });

  it('gives a sentence as long as a window no context, so that the window holds all of it', () => {
    const windows = planWindows([{ start: 0, end: 9 }, { start: 9, end: 17 }], 17, LIMITS);
    expect(windows).toEqual([{ start: 0, end: 10 }, { start: 9, end: 17 }]);
  });

  const passages = fc
    .array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 12 })
    .chain((lengths) => fc.tuple(fc.constant(lengths), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })));

  it('holds every sentence (or as much of one as a window can) in some window, never past the text', () => {
    fc.assert(
      fc.property(passages, ([lengths, before, gap]) => {
        const sentences: TokenRange[] = [];
        let position = before;
        for (const length of lengths) {
          sentences.push({ start: position, end: position + length });
          position += length + gap;
        }
        const total = position;
        const limits = { first: 20, capacity: 16, context: 4 };
        const windows = planWindows(sentences, total, limits);
        expect(windows[0]).toEqual({ start: 0, end: Math.min(total, limits.first) });
        for (const w of windows.slice(1)) {
          expect(w.end - w.start).toBeLessThanOrEqual(limits.capacity);
          expect(w.end).toBeLessThanOrEqual(total);
          expect(w.end).toBeGreaterThan(w.start);
        }
        for (const s of sentences) {
          const w = windows[chooseWindow(s, windows)]!;
          const held = Math.min(s.end, w.end) - Math.max(s.start, w.start);
          expect(held).toBeGreaterThanOrEqual(Math.min(s.end - s.start, limits.capacity));
        }
      }),
    );
  });
});

describe('planPassage', () => {
  // A word tokenizer: one id per word, so token positions are word positions.
  const encode = (text: string) => text.split(/\s+/).filter(Boolean).map((word) => word.length);
  const specials = { lead: [101], tail: [102] };

  it('frames a passage that fits in one window, with its sentences placed among its tokens', () => {
    const text = 'A title. one two three. four five.';
    const plan = planPassage({ text, sentences: [{ start: 9, end: 23 }, { start: 24, end: 34 }] }, '', encode, specials, 16);
    expect(plan.inputs).toEqual([[101, ...encode(text), 102]]);
    expect(plan.sentences).toEqual([{ start: 2, end: 5 }, { start: 5, end: 7 }]);
    expect(plan.pooledFrom).toEqual([0, 0]);
    expect(plan.exact).toBe(true);
  });

  it('cuts a long passage\'s first window at the model length with no closing token, and frames the later ones', () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    const text = words.join(' ');
    const spans = [0, 100, 200].map((first) => {
      const start = words.slice(0, first).join(' ').length + (first ? 1 : 0);
      return { start, end: start + words.slice(first, first + 100).join(' ').length };
    });
    const plan = planPassage({ text, sentences: spans }, '', encode, specials, 256);
    expect(plan.inputs[0]).toHaveLength(256);
    expect(plan.inputs[0]![0]).toBe(101);
    expect(plan.inputs[0]!.at(-1)).not.toBe(102);
    expect(plan.inputs.length).toBeGreaterThan(1);
    for (const input of plan.inputs.slice(1)) {
      expect(input[0]).toBe(101);
      expect(input.at(-1)).toBe(102);
      expect(input.length).toBeLessThanOrEqual(256);
    }
    // The third sentence starts past the first window, so it is pooled from a later one.
    expect(plan.pooledFrom[2]).toBeGreaterThan(0);
  });

  it('says when the sentence cuts tokenize differently from the whole text', () => {
    // Cutting "ab" in the middle yields two tokens where the whole text has one.
    const plan = planPassage({ text: 'ab cd', sentences: [{ start: 1, end: 5 }] }, '', encode, specials, 16);
    expect(plan.exact).toBe(false);
  });
});

describe('chooseWindow', () => {
  it('takes the window that holds all of a sentence over one that cuts it', () => {
    expect(chooseWindow({ start: 8, end: 12 }, [{ start: 0, end: 10 }, { start: 6, end: 14 }])).toBe(1);
  });

  it('takes, among windows that hold it, the one with the most context on both sides', () => {
    const windows = [
      { start: 0, end: 10 },
      { start: 4, end: 12 },
    ];
    // Tokens 6–9 sit 1 token from the first window's end, and 2 and 3 tokens from the second's edges.
    expect(chooseWindow({ start: 6, end: 9 }, windows)).toBe(1);
    // Tokens 2–5 only the first window holds.
    expect(chooseWindow({ start: 2, end: 5 }, windows)).toBe(0);
  });
});

describe('meanRows', () => {
  it('averages the rows of a token range', () => {
    // 3 tokens × 2 dimensions
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 10]);
    expect(Array.from(meanRows(hidden, 1, 3, 2))).toEqual([4, 7]);
    expect(Array.from(meanRows(hidden, 0, 1, 2))).toEqual([1, 2]);
  });

  it('is zero for an empty range', () => {
    expect(Array.from(meanRows(Float32Array.from([1, 2]), 1, 1, 2))).toEqual([0, 0]);
  });
});
