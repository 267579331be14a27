import { describe, expect, it } from 'vitest';
import { pickTldrSentence } from '../../src/index/tldr.js';

const v = (...xs: number[]) => Float32Array.from(xs);

describe('pickTldrSentence', () => {
  const paperVector = v(1, 0, 0);

  it("picks the sentence closest to the paper's own vector", () => {
    const sentences = ['Background on graphs.', 'Graphs matter a lot.', 'Results on molecules.'];
    expect(pickTldrSentence(sentences, [v(0, 1, 0), v(0.9, 0.1, 0), v(0.5, 0.5, 0)], paperVector)).toBe(1);
  });

  it('prefers a sentence that states the contribution when it is nearly as close', () => {
    const sentences = ['Graphs are everywhere.', 'We propose widgets for graphs.'];
    expect(pickTldrSentence(sentences, [v(0.9, 0, 0), v(0.85, 0, 0)], paperVector)).toBe(1);
  });

  it('does not let the contribution bonus outweigh a much closer sentence', () => {
    const sentences = ['Graphs are everywhere.', 'We propose widgets for graphs.'];
    expect(pickTldrSentence(sentences, [v(0.9, 0, 0), v(0.5, 0, 0)], paperVector)).toBe(0);
  });

  it.each(['This paper presents a method.', 'Our work introduces a method.', 'We further demonstrate a method.', 'This study investigates a method.'])(
    'recognizes "%s" as a contribution',
    (contribution) => {
      expect(pickTldrSentence(['Something else.', contribution], [v(0.9, 0, 0), v(0.85, 0, 0)], paperVector)).toBe(1);
    },
  );

  it('keeps the first of equally close sentences, and answers 0 for an abstract without sentences', () => {
    expect(pickTldrSentence(['A.', 'B.'], [v(1, 0, 0), v(1, 0, 0)], paperVector)).toBe(0);
    expect(pickTldrSentence([], [], paperVector)).toBe(0);
  });
});
