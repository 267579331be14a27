import { describe, expect, it } from 'vitest';
import {
  answerPrompt,
  answerSentences,
  answerSources,
  checkGeneratedAnswer,
  GENERATED_MAX_CHARS,
  rewriteCitations,
  type AnswerSource,
} from '../../src/engine/generated-answer.js';
import { arxivId, askResult } from './bot-fixtures.js';

const SOURCES: AnswerSource[] = [1, 2, 3].map((rank) => ({ rank, id: arxivId(rank), sentences: [`Sentence of paper ${rank}.`] }));

const accepted = (reply: string) => {
  const verdict = checkGeneratedAnswer(reply, SOURCES);
  if (!verdict.answer) throw new Error(`dropped: ${verdict.reason}`);
  return verdict.answer;
};
const reason = (reply: string) => {
  const verdict = checkGeneratedAnswer(reply, SOURCES);
  if (verdict.answer) throw new Error(`accepted: ${verdict.answer.text}`);
  return verdict.reason;
};

describe('answerSources', () => {
  it("numbers each shown result by its rank, with the answer's sentence of it and its summary, each once", () => {
    const result = askResult(2);
    result.answer = { sentences: [{ text: 'Quoted from paper 2.', rank: 2, id: arxivId(2) }, { text: result.results[0]!.summary[0]!.text, rank: 1, id: arxivId(1) }] };
    const sources = answerSources(result);
    expect(sources.map((s) => [s.rank, s.id])).toEqual([[1, arxivId(1)], [2, arxivId(2)]]);
    expect(sources[0]!.sentences).toEqual(result.results[0]!.summary.map((s) => s.text));
    expect(sources[1]!.sentences).toEqual(['Quoted from paper 2.', ...result.results[1]!.summary.map((s) => s.text)]);
  });

  it('is empty without an extractive answer (low confidence, a later page)', () => {
    expect(answerSources(askResult(3))).toEqual([]);
  });
});

describe('answerPrompt', () => {
  it('gives the model the numbered sentences and the question, and nothing else of the papers', () => {
    const result = askResult(2);
    result.answer = { sentences: [{ text: result.results[0]!.summary[0]!.text, rank: 1, id: arxivId(1) }] };
    const [system, user] = answerPrompt(result.query, answerSources(result));
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/only the numbered sources/);
    expect(system!.content).toMatch(/every sentence/i);
    expect(user!.content).toContain(`[1] ${result.results[0]!.summary.map((s) => s.text).join(' ')}\n[2] `);
    expect(user!.content).toMatch(/Question: how do MLPs scale on vision tasks\?$/);
    // Titles, authors and links are not retrieved sentences.
    expect(user!.content).not.toContain(result.results[0]!.title);
    expect(user!.content).not.toContain('arxiv.org');
  });
});

describe('answerSentences', () => {
  it('breaks after . ! ? before a capital or digit, keeping closing citations with their sentence', () => {
    expect(answerSentences('MLPs scale [1]. Data helps [2]!')).toEqual(['MLPs scale [1].', 'Data helps [2]!']);
    expect(answerSentences('MLPs scale. [1] Data helps. [2, 3]')).toEqual(['MLPs scale. [1]', 'Data helps. [2, 3]']);
    expect(answerSentences('Methods, e.g. pretraining, help [1]. 90% is reached [2].')).toEqual(['Methods, e.g. pretraining, help [1].', '90% is reached [2].']);
  });
});

describe('checkGeneratedAnswer', () => {
  it('accepts a paragraph whose every sentence cites a shown result, and maps the citations to ids', () => {
    const answer = accepted('MLPs improve drastically with scale [1]. Pretraining helps further [2, 1]. So does data. [3]');
    expect(answer.text).toBe('MLPs improve drastically with scale [1]. Pretraining helps further [2, 1]. So does data. [3]');
    expect(answer.citations).toEqual([1, 2, 3].map((rank) => ({ rank, id: arxivId(rank) })));
  });

  it('keeps only what follows a reasoning model’s thinking, on one line, without bold markers', () => {
    const answer = accepted('<think>The user asks about MLPs. Source 1 says…</think>\n\nMLPs **improve** with\nscale [1].');
    expect(answer.text).toBe('MLPs improve with scale [1].');
  });

  it('drops a reply that cites nothing', () => {
    expect(reason('MLPs improve drastically with scale.')).toBe('the reply cites no source');
    expect(reason('The sources do not say.')).toBe('the reply cites no source');
  });

  it('drops a reply that cites a result not shown', () => {
    expect(reason('MLPs improve with scale [1]. Attention is all you need [4].')).toBe('the reply cites [4], not among the sources shown');
    expect(reason('Scaling works [0].')).toMatch(/\[0\]/);
  });

  it('drops a reply with a sentence that makes a claim without a citation', () => {
    expect(reason('MLPs improve with scale [1]. They beat transformers on every task.')).toBe(
      'a sentence cites no source: "They beat transformers on every task."',
    );
    expect(reason('MLPs are cheap. They improve with scale [1].')).toMatch(/MLPs are cheap/);
  });

  it('counts only [n] and [n, m] as citations', () => {
    expect(reason('MLPs improve with scale (1).')).toBe('the reply cites no source');
    expect(reason('MLPs improve with scale [1]. Data helps [source 2].')).toMatch(/Data helps/);
  });

  it('drops an empty, broken or non-text reply', () => {
    expect(reason('')).toBe('the reply is empty');
    expect(reason('  <think>hmm</think>  ')).toBe('the reply is empty');
    expect(reason('[1] [2] ...')).toBe('the reply is not text');
    expect(reason('MLPs sc\ufffdle [1].')).toBe('the reply is not text');
    expect(reason('MLPs scale\u0000 [1].')).toBe('the reply is not text');
  });

  it('drops a list or heading', () => {
    expect(reason('- MLPs scale [1].\n- Data helps [2].')).toMatch(/list or heading/);
    expect(reason('## Answer\nMLPs scale [1].')).toMatch(/list or heading/);
    expect(reason('1. MLPs scale [1].')).toMatch(/list or heading/);
  });

  it(`drops a reply longer than ${GENERATED_MAX_CHARS} characters`, () => {
    const sentence = 'MLPs improve drastically with scale on vision tasks [1]. ';
    const long = sentence.repeat(Math.ceil(GENERATED_MAX_CHARS / sentence.length) + 1);
    expect(reason(long)).toMatch(/more than 700/);
    expect(accepted(sentence.repeat(Math.floor(GENERATED_MAX_CHARS / sentence.length))).citations).toHaveLength(1);
  });
});

describe('rewriteCitations', () => {
  it('rewrites each rank of each citation, and the prose between them', () => {
    const out = rewriteCitations('A_b [1]. C [2, 3].', (rank) => `<${rank}>`, (text) => text.toUpperCase());
    expect(out).toBe('A_B <1>. C <2><3>.');
  });
});
