import { describe, expect, it } from 'vitest';
import { knownItemSet, limitKnownItems, withoutModelText } from '../../src/eval/hf-set.js';
import { parseDailyItems } from '../../src/papers/hf-daily.js';

const item = (id: string, extra: Record<string, unknown>) => ({
  paper: { id, title: `Paper ${id}`, summary: `The abstract of ${id}, written by its authors.`, ...extra },
  publishedAt: '2025-06-02T08:00:00.000Z',
});

describe('the hf known-item set', () => {
  const { items } = parseDailyItems(
    [
      item('2506.00001', { ai_summary: 'A model-written line that must not be indexed.', ai_keywords: ['leaky keyword', 'another'] }),
      item('2506.00002', {}),
    ],
    'hf',
    '2025-06-02',
  );

  it('keeps ai_summary and ai_keywords out of every indexed paper', () => {
    const { papers } = knownItemSet(items);
    expect(papers).toHaveLength(2);
    const indexed = JSON.stringify(papers);
    expect(indexed).not.toContain('must not be indexed');
    expect(indexed).not.toContain('leaky keyword');
    expect(papers.every((p) => !('aiSummary' in p))).toBe(true);
    expect(papers[0]).toMatchObject({ id: '2506.00001', title: 'Paper 2506.00001', abstract: 'The abstract of 2506.00001, written by its authors.' });
  });

  it('asks each paper that has an ai_summary by it, with that paper as the answer', () => {
    expect(knownItemSet(items).questions).toEqual([{ question: 'A model-written line that must not be indexed.', expected: ['2506.00001'] }]);
  });

  it('stripping leaves every other field as it was', () => {
    const { aiSummary: _, ...rest } = items[0]!;
    expect(withoutModelText(items[0]!)).toEqual(rest);
  });

  it('a limited set asks only about the papers it keeps', () => {
    const set = knownItemSet(items);
    expect(limitKnownItems(set, { docs: 1 }).questions).toHaveLength(1);
    expect(limitKnownItems({ papers: [set.papers[1]!], questions: set.questions }, { docs: 1 }).questions).toEqual([]);
  });
});
