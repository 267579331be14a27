import { describe, expect, it } from 'vitest';
import { ANSWER_MAX_CHARS, composeAnswer } from '../../src/engine/answer.js';
import type { AskHit } from '../../src/engine/results.js';
import { askHit } from './bot-fixtures.js';

const QUESTION = 'how do MLPs scale on vision tasks?';

/** A hit whose marked sentence is `marked`, after an unmarked opener. */
const hit = (rank: number, marked: string): AskHit =>
  askHit(rank, { summary: [{ text: `Opening sentence ${rank}.`, matched: false }, { text: marked, matched: true }] });

const page = (results: AskHit[], overrides: { lowConfidence?: boolean; offset?: number; query?: string } = {}) => ({
  query: overrides.query ?? QUESTION,
  lowConfidence: overrides.lowConfidence ?? false,
  offset: overrides.offset ?? 0,
  results,
});

describe('composeAnswer', () => {
  it('starts with the marked sentence of the first result, cited by its rank and id', () => {
    const answer = composeAnswer(page([hit(1, 'We show that MLPs improve drastically with scale.')]));
    expect(answer).toEqual({ sentences: [{ text: 'We show that MLPs improve drastically with scale.', rank: 1, id: '2401.10001' }] });
  });

  it('adds marked sentences of the next results that share enough of the question', () => {
    const answer = composeAnswer(
      page([
        hit(1, 'We show that MLPs improve drastically with scale.'),
        hit(2, 'Vision MLPs reach strong accuracy on classification tasks.'),
        hit(3, 'Large MLP models scale well on vision benchmarks.'),
      ]),
    );
    expect(answer!.sentences.map((s) => s.rank)).toEqual([1, 2, 3]);
  });

  it('leaves out a sentence that shares too little of the question', () => {
    const answer = composeAnswer(page([hit(1, 'We show that MLPs improve with scale.'), hit(2, 'Transformers need attention to work.')]));
    expect(answer!.sentences.map((s) => s.rank)).toEqual([1]);
  });

  it('leaves out a sentence that repeats one already chosen, and keeps looking past it', () => {
    const answer = composeAnswer(
      page([
        hit(1, 'MLPs scale well on vision tasks.'),
        hit(2, 'MLPs scale very well on vision tasks.'),
        hit(3, 'Bigger vision MLPs trained longer keep improving on every task.'),
      ]),
    );
    expect(answer!.sentences.map((s) => s.rank)).toEqual([1, 3]);
  });

  it('cites only the top three results', () => {
    const results = [
      hit(1, 'MLPs scale well on vision tasks.'),
      hit(2, 'Larger vision MLPs reach higher accuracy.'),
      hit(3, 'Pretraining lets MLPs scale on ImageNet.'),
      hit(4, 'Deep vision MLPs transfer to detection tasks.'),
    ];
    expect(composeAnswer(page(results))!.sentences.map((s) => s.rank)).toEqual([1, 2, 3]);
    expect(composeAnswer(page([results[0]!, results[3]!]))!.sentences.map((s) => s.rank)).toEqual([1, 4]);
  });

  it('keeps the whole answer within its length cap, dropping sentences rather than cutting them', () => {
    const long = (rank: number, word: string) => hit(rank, `Vision MLPs scale ${word} ${'and '.repeat(1)}${`${word} `.repeat(60)}.`);
    const answer = composeAnswer(page([long(1, 'alpha'), long(2, 'beta'), long(3, 'gamma')]));
    const total = answer!.sentences.reduce((sum, s) => sum + s.text.length, 0);
    expect(answer!.sentences.length).toBeLessThan(3);
    expect(total).toBeLessThanOrEqual(ANSWER_MAX_CHARS);
  });

  it('takes every sentence verbatim from the summary of the result it cites', () => {
    const results = [hit(1, 'MLPs scale well on vision tasks.'), hit(2, 'Vision MLPs improve on every task with scale and data.')];
    for (const sentence of composeAnswer(page(results))!.sentences) {
      const cited = results.find((r) => r.rank === sentence.rank)!;
      expect(cited.id).toBe(sentence.id);
      expect(cited.summary.map((s) => s.text)).toContain(sentence.text);
    }
  });

  it('composes nothing when the match is weak, on a later page, or without results', () => {
    const results = [hit(1, 'MLPs scale well on vision tasks.')];
    expect(composeAnswer(page(results, { lowConfidence: true }))).toBeUndefined();
    expect(composeAnswer(page([hit(6, 'MLPs scale well on vision tasks.')], { offset: 5 }))).toBeUndefined();
    expect(composeAnswer(page([]))).toBeUndefined();
  });

  it('answers with the first result alone when the question has no content words', () => {
    const answer = composeAnswer(page([hit(1, 'MLPs scale.'), hit(2, 'Vision tasks.')], { query: 'how do they?' }));
    expect(answer!.sentences.map((s) => s.rank)).toEqual([1]);
  });
});
