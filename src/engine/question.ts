import { InvalidQuestionError } from '../errors.js';

/** Longer questions are cut here (at a word boundary): the model reads only ~256 tokens anyway. */
export const MAX_QUESTION_CHARS = 500;
export const MAX_RESULTS = 50;

// Control characters (NUL included), zero-width and bidi marks: invisible, and noise to the model.
const INVISIBLE = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

export interface CleanQuestion {
  text: string;
  truncated: boolean;
}

/** Normalizes a question, rejects an empty one and caps a long one. */
export function cleanQuestion(raw: string): CleanQuestion {
  const text = raw.normalize('NFKC').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new InvalidQuestionError('Please ask a question with at least one word in it.');
  }
  const chars = Array.from(text);
  if (chars.length <= MAX_QUESTION_CHARS) return { text, truncated: false };
  const cut = chars.slice(0, MAX_QUESTION_CHARS).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return { text: (lastSpace > MAX_QUESTION_CHARS / 2 ? cut.slice(0, lastSpace) : cut).trim(), truncated: true };
}

export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
