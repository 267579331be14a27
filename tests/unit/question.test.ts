import { describe, expect, it } from 'vitest';
import { InvalidQuestionError, UserError } from '../../src/errors.js';
import { clampInt, cleanQuestion, MAX_QUESTION_CHARS } from '../../src/engine/question.js';

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

describe('cleanQuestion', () => {
  it('leaves an ordinary question as it is', () => {
    expect(cleanQuestion('Which papers scale MLPs?')).toEqual({ text: 'Which papers scale MLPs?', truncated: false });
  });

  it('replaces NUL and other control characters with spaces', () => {
    expect(cleanQuestion('what\u0000is\u0007BM25?').text).toBe('what is BM25?');
  });

  it('removes zero-width characters, bidi controls and a BOM', () => {
    const raw = '\uFEFFwhat\u200B is\u200D \u202Ethe\u202C \u2066best\u2069 model\u2060?';
    expect(cleanQuestion(raw).text).toBe('what is the best model ?');
    expect(cleanQuestion(raw).text).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/);
  });

  it('collapses runs of whitespace, tabs and newlines and trims the ends', () => {
    expect(cleanQuestion('  how \t\tdo\n\n  transformers\r\n work?  ').text).toBe('how do transformers work?');
  });

  it('applies NFKC, so full-width letters become plain ones', () => {
    expect(cleanQuestion('ＢＥＲＴ ﬁne-tuning').text).toBe('BERT fine-tuning');
  });

  it.each([
    ['an empty string', ''],
    ['whitespace only', ' \t\n '],
    ['punctuation only', '?!... ---'],
    ['invisible characters only', '\u200B\u0000\uFEFF\u202E'],
  ])('rejects %s with InvalidQuestionError', (_name, raw) => {
    expect(() => cleanQuestion(raw)).toThrow(InvalidQuestionError);
    expect(() => cleanQuestion(raw)).toThrow(UserError);
  });

  it('accepts a question made of digits or non-Latin letters', () => {
    expect(cleanQuestion('2306.13575').text).toBe('2306.13575');
    expect(cleanQuestion('трансформеры?').text).toBe('трансформеры?');
  });

  it('cuts a long question at a word boundary and says so', () => {
    const raw = 'scaling '.repeat(100);
    const { text, truncated } = cleanQuestion(raw);
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(MAX_QUESTION_CHARS);
    expect(text.length).toBeGreaterThan(MAX_QUESTION_CHARS / 2);
    expect(text).toMatch(/^(scaling )*scaling$/);
  });

  it('keeps a question of exactly MAX_QUESTION_CHARS whole', () => {
    const raw = 'a'.repeat(MAX_QUESTION_CHARS);
    expect(cleanQuestion(raw)).toEqual({ text: raw, truncated: false });
  });

  it('cuts mid-word only when the last space is too early to be useful', () => {
    const raw = `short ${'x'.repeat(1000)}`;
    const { text, truncated } = cleanQuestion(raw);
    expect(truncated).toBe(true);
    expect(text).toHaveLength(MAX_QUESTION_CHARS);
    expect(text.startsWith('short x')).toBe(true);
  });

  it('never splits a surrogate pair when cutting long emoji input', () => {
    const raw = `why ${'🚀'.repeat(800)}`;
    const { text, truncated } = cleanQuestion(raw);
    expect(truncated).toBe(true);
    expect(hasLoneSurrogate(text)).toBe(false);
    expect(Array.from(text)).toHaveLength(MAX_QUESTION_CHARS);
    expect(text.endsWith('🚀')).toBe(true);

    const mixed = cleanQuestion('𝔸'.repeat(300) + ' a ' + '😀'.repeat(400));
    expect(hasLoneSurrogate(mixed.text)).toBe(false);
    expect(mixed.truncated).toBe(true);
  });

  it('rejects emoji-only input, long or short, as having no word', () => {
    expect(() => cleanQuestion('🚀'.repeat(800))).toThrow(InvalidQuestionError);
  });
});

describe('clampInt', () => {
  it('clamps into the range and truncates fractions', () => {
    expect(clampInt(5, 1, 10, 3)).toBe(5);
    expect(clampInt(0, 1, 10, 3)).toBe(1);
    expect(clampInt(99, 1, 10, 3)).toBe(10);
    expect(clampInt(7.9, 1, 10, 3)).toBe(7);
    expect(clampInt(-2.5, -5, 10, 3)).toBe(-2);
  });

  it('uses the fallback for undefined, NaN and infinities', () => {
    expect(clampInt(undefined, 1, 10, 3)).toBe(3);
    expect(clampInt(Number.NaN, 1, 10, 3)).toBe(3);
    expect(clampInt(Number.POSITIVE_INFINITY, 1, 10, 3)).toBe(3);
    expect(clampInt(Number.NEGATIVE_INFINITY, 1, 10, 3)).toBe(3);
  });
});
