import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, relevanceBar, truncate, unescapeMarkdown } from '../../src/bot/render/text.js';
import { unescaped } from './bot-fixtures.js';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const segments = (text: string) => Array.from(graphemes.segment(text), (s) => s.segment);

/** Offsets (UTF-16) at which `text` may be cut without splitting a user-perceived character. */
function graphemeBoundaries(text: string): Set<number> {
  const bounds = new Set([0]);
  for (const { index, segment } of graphemes.segment(text)) bounds.add(index + segment.length);
  return bounds;
}

/** The kept part of a truncated string, without its ellipsis. */
function headOf(result: string): string {
  expect(result.endsWith('…')).toBe(true);
  return result.slice(0, -1);
}

/** Asserts `result` is `text` cut at a grapheme boundary, ending with an ellipsis and at most `max` long. */
function expectCleanCut(text: string, max: number, result: string): void {
  expect(result.length).toBeLessThanOrEqual(max);
  const head = headOf(result);
  expect(text.startsWith(head)).toBe(true);
  expect(graphemeBoundaries(text).has(head.length)).toBe(true);
  // Every code point of the head is whole: no lone surrogate.
  for (const ch of Array.from(head)) expect(ch.length === 2 || !/[\uD800-\uDFFF]/.test(ch)).toBe(true);
  // Re-segmenting gives the original's first graphemes.
  const kept = segments(head);
  expect(kept).toEqual(segments(text).slice(0, kept.length));
}

describe('truncate', () => {
  it('returns text that fits unchanged', () => {
    expect(truncate('short', 5)).toBe('short');
    expect(truncate('short', 100)).toBe('short');
    expect(truncate('', 0)).toBe('');
  });

  it('never exceeds max and ends with an ellipsis when it cuts', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
    for (let max = 2; max < 120; max++) {
      const result = truncate(text, max);
      expect(result.length).toBeLessThanOrEqual(max);
      expect(result.endsWith('…')).toBe(true);
    }
  });

  it('handles max 0 and 1', () => {
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('a', 1)).toBe('a');
  });

  it('cuts at a word boundary when one is near', () => {
    expect(truncate('aaaa bbbb cccc dddd', 12)).toBe('aaaa bbbb…');
    expect(truncate('alpha beta gamma delta', 15)).toBe('alpha beta…');
  });

  it('cuts inside a word when the last space is far back', () => {
    const result = truncate(`ab ${'x'.repeat(40)}`, 20);
    expect(result).toBe(`ab ${'x'.repeat(16)}…`);
  });

  it('trims trailing whitespace before the ellipsis', () => {
    expect(truncate('abcdefgh       ijklmnop', 12)).toBe('abcdefgh…');
  });

  it('never leaves a backslash before the ellipsis, which would escape it', () => {
    expect(truncate('abcdefg\\*hij', 9)).toBe('abcdefg…');
    expect(truncate('abcdefg\\\\\\\\hij', 11)).toBe('abcdefg…');
    const escaped = escapeMarkdown('@everyone *bold* _x_ `code` <@123> ~~s~~ ||spoiler|| [a](b) #h - : \\');
    for (let max = 2; max < escaped.length; max++) {
      const head = headOf(truncate(escaped, max));
      expect(head.endsWith('\\')).toBe(false);
    }
  });

  it('never splits a surrogate pair', () => {
    const text = '𝔸𝔹ℂ𝔻𝔼𝔽𝔾ℍ𝕀𝕁𝕂𝕃𝕄'; // mathematical letters outside the BMP (mostly)
    for (let max = 2; max < text.length; max++) expectCleanCut(text, max, truncate(text, max));
  });

  it('never splits an emoji ZWJ sequence, flag or skin-tone emoji', () => {
    const text = '👩‍👩‍👧‍👦🇫🇷👍🏽🏳️‍🌈👨‍💻'.repeat(3);
    for (let max = 2; max < text.length; max++) {
      const result = truncate(text, max);
      expectCleanCut(text, max, result);
    }
    expect(truncate('👩‍👩‍👧‍👦👩‍👩‍👧‍👦', 12)).toBe('👩‍👩‍👧‍👦…');
    expect(truncate('👩‍👩‍👧‍👦', 10)).toBe('…');
  });

  it('never separates a combining accent from its letter', () => {
    const text = 'e\u0301e\u0301e\u0301 a\u0308\u0323o\u0302 n\u0303a\u0301'.repeat(4);
    for (let max = 2; max < text.length; max++) expectCleanCut(text, max, truncate(text, max));
  });

  it('cuts cleanly for arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 0, max: 120 }), (text, max) => {
        const result = truncate(text, max);
        expect(result.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(result).toBe(text);
        else if (max === 0) expect(result).toBe('');
        else expectCleanCut(text, max, result);
      }),
      { numRuns: 3000, seed: 20240501 },
    );
  });

  it('does not split a grapheme that ends in whitespace (prepended mark + space)', () => {
    // U+0600 is a Unicode "Prepend" character: "\u0600 " is one grapheme, so dropping the space splits it,
    // and the orphaned mark then fuses with the ellipsis.
    const text = 'abcdefgh\u0600 xyzxyzxyz';
    expectCleanCut(text, 11, truncate(text, 11));
  });
});

describe('escapeMarkdown / unescapeMarkdown', () => {
  const samples = [
    '',
    'plain text',
    '@everyone @here <@123> <@&456> <#789> <t:1700000000:R>',
    '**bold** __underline__ *it* _it_ ~~strike~~ ||spoiler|| `code` ```block```',
    '# heading\n- list\n> quote\n-# subtext',
    '[masked](https://example.com/a_(b)) https://example.com :smile:',
    'back\\slash \\\\ \\* \\@ trailing\\',
    '\\',
    '\\\\\\',
    'emoji 👩‍👩‍👧‍👦 and RTL مرحبا بالعالم and e\u0301',
  ];

  it('round-trips the samples', () => {
    for (const s of samples) expect(unescapeMarkdown(escapeMarkdown(s))).toBe(s);
  });

  it('round-trips any string (property, full Unicode including lone surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => unescapeMarkdown(escapeMarkdown(s)) === s),
      { numRuns: 5000, seed: 7 },
    );
  });

  it('round-trips strings dense in markdown characters (property)', () => {
    const markdowny = fc.string({ unit: fc.constantFrom(...'\\*_~`|>#-[]()<@: a'.split('')), maxLength: 60 });
    fc.assert(
      fc.property(markdowny, (s) => unescapeMarkdown(escapeMarkdown(s)) === s),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('leaves no unescaped mention, formatting or link character', () => {
    const markdowny = fc.string({ unit: fc.constantFrom(...'\\*_~`|>#-[]()<@: a'.split('')), maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(markdowny, fc.string({ unit: 'binary' })), (s) => {
        expect(unescaped(escapeMarkdown(s), '@<*_`|~[]()>#:-')).toEqual([]);
      }),
      { numRuns: 3000, seed: 13 },
    );
    for (const s of samples) expect(unescaped(escapeMarkdown(s), '@<*_`|~')).toEqual([]);
  });

  it('escapes a backslash so it cannot escape the next character', () => {
    expect(escapeMarkdown('\\*')).toBe('\\\\\\*');
    expect(escapeMarkdown('a\\')).toBe('a\\\\');
  });

  it('leaves ordinary text alone', () => {
    expect(escapeMarkdown('Hello, world! 42 é 👍')).toBe('Hello, world! 42 é 👍');
    expect(unescapeMarkdown('Hello \\q')).toBe('Hello \\q');
  });
});

describe('relevanceBar', () => {
  it('draws filled and empty cells and a percentage', () => {
    expect(relevanceBar(0.81)).toBe('▰▰▰▰▱ 81%');
    expect(relevanceBar(0)).toBe('▱▱▱▱▱ 0%');
    expect(relevanceBar(1)).toBe('▰▰▰▰▰ 100%');
    expect(relevanceBar(0.5, 10)).toBe('▰▰▰▰▰▱▱▱▱▱ 50%');
  });

  it('clamps scores outside 0..1', () => {
    expect(relevanceBar(-0.3)).toBe('▱▱▱▱▱ 0%');
    expect(relevanceBar(7)).toBe('▰▰▰▰▰ 100%');
  });

  it('always has exactly `width` cells', () => {
    for (let score = -0.5; score <= 1.5; score += 0.01) {
      const bar = relevanceBar(score, 7);
      expect(bar).toMatch(/^[▰▱]{7} \d{1,3}%$/);
    }
  });
});
