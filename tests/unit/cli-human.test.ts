import { describe, expect, it } from 'vitest';
import { ansiStyle, formatAsk, formatGeneratedAnswer, formatPaperAnswer, plainStyle } from '../../src/cli/render/human.js';
import { arxivId, askResult, paperDetail } from './bot-fixtures.js';

const answer = {
  sentences: [
    { text: 'MLPs scale well on vision tasks.', rank: 1, id: arxivId(1) },
    { text: 'Bigger MLPs keep improving.', rank: 2, id: arxivId(2) },
  ],
};

describe('formatAsk: the answer', () => {
  it('comes above the list, each sentence followed by its citation', () => {
    const text = formatAsk(askResult(3, { answer }), plainStyle);
    const lines = text.split('\n');
    expect(lines[0]).toBe('«Answer»');
    expect(lines[1]).toBe('   MLPs scale well on vision tasks. [1] Bigger MLPs keep improving. [2]');
    expect(text.indexOf('[2]')).toBeLessThan(text.indexOf('1. «Paper number 1'));
  });

  it('links each citation to the cited paper in a terminal (OSC 8)', () => {
    const text = formatAsk(askResult(3, { answer }), ansiStyle);
    expect(text).toContain(`\u001b]8;;https://arxiv.org/abs/${arxivId(2)}\u001b\\[2]\u001b]8;;\u001b\\`);
  });

  it('is absent without an answer, and a weak match says there is none', () => {
    expect(formatAsk(askResult(3), plainStyle)).not.toContain('Answer');
    const weak = formatAsk(askResult(3, { lowConfidence: true }), plainStyle);
    expect(weak).not.toContain('«Answer»');
    expect(weak.split('\n')[0]).toBe('No paper matches this question well, so there is no answer. The closest ones, as leads rather than answers:');
  });
});

describe('formatGeneratedAnswer', () => {
  const generated = { text: 'MLPs improve with scale [1]. Data helps [2, 1].', citations: [{ rank: 1, id: arxivId(1) }, { rank: 2, id: arxivId(2) }] };

  it('names the model that wrote it, and gives each rank of a citation on its own', () => {
    const [heading, body] = formatGeneratedAnswer(generated, askResult(3), 'llama3.2', plainStyle).split('\n');
    expect(heading).toBe('«Generated answer» (written by llama3.2 from the sentences it cites)');
    expect(body).toBe('   MLPs improve with scale [1]. Data helps [2][1].');
  });

  it('links each citation to the cited paper in a terminal (OSC 8)', () => {
    const text = formatGeneratedAnswer(generated, askResult(3), 'llama3.2', ansiStyle);
    expect(text).toContain(`\u001b]8;;https://arxiv.org/abs/${arxivId(2)}\u001b\\[2]\u001b]8;;\u001b\\`);
  });
});

describe('formatPaperAnswer', () => {
  it('shows the question and the answering sentences, the best one bold, and how to see the whole abstract', () => {
    const sentences = [
      { text: 'We study how attention scales.', matched: false },
      { text: 'We find that it scales well.', matched: true },
    ];
    const text = formatPaperAnswer({ ...paperDetail(), answer: { question: 'does it scale?', truncated: false, sentences } }, plainStyle);
    expect(text).toContain('Q: does it scale?\n   We study how attention scales. «We find that it scales well.»');
    expect(text).toContain(`paperscout paper ${arxivId(1)}`);
    expect(text).not.toContain('only its beginning');
  });
});
