import { describe, expect, it } from 'vitest';
import { firstSentence, isRationale, mostQuestionWords, rationalePrecision } from '../../src/eval/rationale.js';

const abstract = 'Strokes are common in older adults. We gave aspirin to 500 patients. Aspirin lowered stroke risk by half.';
const rationale = ['Aspirin lowered stroke risk by half.'];

describe('rationale sentences', () => {
  it('match by normalized words, whatever the case and punctuation', () => {
    expect(isRationale('aspirin LOWERED stroke-risk by half', rationale)).toBe(true);
    expect(isRationale('We gave aspirin to 500 patients.', rationale)).toBe(false);
  });

  it('match across different sentence boundaries: a sentence holding a rationale whole, or inside one', () => {
    expect(isRationale('We gave aspirin to 500 patients. Aspirin lowered stroke risk by half.', rationale)).toBe(true);
    expect(isRationale('lowered stroke risk', rationale)).toBe(true);
    // Words must match whole: "half" is not "halftime".
    expect(isRationale('Aspirin lowered stroke risk by halftime.', rationale)).toBe(false);
    expect(isRationale('', rationale)).toBe(false);
  });

  it('the baselines pick the first sentence and the sentence with the most question terms', () => {
    expect(firstSentence('anything', abstract)).toBe('Strokes are common in older adults.');
    expect(mostQuestionWords('Does aspirin lower stroke risk?', abstract)).toBe('Aspirin lowered stroke risk by half.');
    // Among equals, the earliest.
    expect(mostQuestionWords('aspirin', abstract)).toBe('We gave aspirin to 500 patients.');
  });
});

describe('rationale precision', () => {
  const abstracts: Record<string, string> = { d1: abstract, d2: 'Other text about something else entirely.' };
  const rationales = new Map([['d1', rationale]]);

  it('judges only claims whose top result is an evidence doc, by the sentence marked there', () => {
    const cases = [
      // Top result is evidence, and the marked sentence is the rationale.
      { question: 'Does aspirin lower stroke risk?', results: [{ id: 'd1', marked: 'Aspirin lowered stroke risk by half.' }], rationales },
      // Top result is evidence; the marked sentence is not a rationale.
      { question: 'aspirin', results: [{ id: 'd1', marked: 'We gave aspirin to 500 patients.' }, { id: 'd2', marked: 'x' }], rationales },
      // Not judged: the top result is not an evidence doc (even though one follows), or there are no results.
      { question: 'aspirin', results: [{ id: 'd2', marked: 'Other text.' }, { id: 'd1', marked: rationale[0]! }], rationales },
      { question: 'aspirin', results: [], rationales },
    ];
    const precision = rationalePrecision(cases, (id) => abstracts[id]!);
    expect(precision).toEqual({ marked: 0.5, mostQuestionWords: 0.5, firstSentence: 0, judged: 2 });
  });

  it('is 0 with nothing to judge', () => {
    expect(rationalePrecision([], () => '')).toEqual({ marked: 0, mostQuestionWords: 0, firstSentence: 0, judged: 0 });
  });
});
