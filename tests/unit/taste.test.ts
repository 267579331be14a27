import { describe, expect, it } from 'vitest';
import { byVotesThenTaste, digestTaste } from '../../src/bot/taste.js';
import { recommendPapers, tasteScorer, type TasteCorpus } from '../../src/engine/recommend.js';
import { closestLiked, logisticTaste, rocchioTaste } from '../../src/engine/taste.js';

/** A unit vector mostly along axis `axis` of 4, tilted by `tilt` toward axis 3. */
function unit(axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(4);
  v[axis] = 1;
  v[3]! += tilt;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

// Two days; the voter likes the axis-0 papers. Ids name their direction.
const vectors: Record<string, Float32Array> = {
  a1: unit(0), a2: unit(0, 0.2), b1: unit(1), c1: unit(2), // day 1
  a3: unit(0, 0.1), b2: unit(1, 0.1), c2: unit(2, 0.3), a4: unit(0, 0.5), // day 2
};
const lists: Record<string, string[]> = { '2025-03-10': ['a1', 'a2', 'b1', 'c1'], '2025-03-11': ['a3', 'b2', 'c2', 'a4'] };
const corpus: TasteCorpus = {
  vector: (id) => vectors[id],
  listedOn: (date) => lists[date] ?? [],
  listingDates: (id) => Object.keys(lists).filter((d) => lists[d]!.includes(id)),
  days: Object.keys(lists).sort(),
};

describe('taste models', () => {
  const examples = { liked: [vectors.a1!, vectors.a2!], passed: [vectors.b1!, vectors.c1!] };

  it.each([
    ['Rocchio', rocchioTaste(examples)],
    ['logistic', logisticTaste(examples)],
  ])('%s scores papers like the liked ones above the others', (_name, score) => {
    for (const like of ['a3', 'a4']) for (const other of ['b2', 'c2']) expect(score(vectors[like]!)).toBeGreaterThan(score(vectors[other]!));
  });

  it('learns the same model from the same votes', () => {
    expect(logisticTaste(examples)(vectors.a3!)).toBe(logisticTaste(examples)(vectors.a3!));
  });

  it('falls back to Rocchio when nothing was passed over', () => {
    const liked = { liked: [vectors.a1!], passed: [] };
    expect(logisticTaste(liked)(vectors.b2!)).toBe(rocchioTaste(liked)(vectors.b2!));
  });

  it('names the liked paper a candidate is most like', () => {
    expect(closestLiked(unit(1, 0.1), [vectors.a1!, vectors.b1!, vectors.c1!])).toBe(1);
  });
});

describe('recommendations', () => {
  it('ranks the window by taste, never returns a liked paper, and says which liked paper each is like', () => {
    const picks = recommendPapers(['a1', 'b1'], corpus, { k: 3, days: 1 });
    expect(picks.map((p) => p.id)).not.toContain('a1');
    expect(picks.every((p) => lists['2025-03-11']!.includes(p.id))).toBe(true);
    expect(picks.find((p) => p.id === 'b2')!.like).toBe('b1');
    expect(picks.find((p) => p.id === 'a3')!.like).toBe('a1');
  });

  it('learns from the days the liked papers were listed on, and recommends from the days asked for', () => {
    const week = recommendPapers(['a1'], corpus, { k: 10, days: 7 }).map((p) => p.id);
    expect(week.sort()).toEqual(['a2', 'a3', 'a4', 'b1', 'b2', 'c1', 'c2']);
    expect(recommendPapers(['a1'], corpus, { k: 2, days: 7, method: 'rocchio' }).map((p) => p.id).sort()).toEqual(['a2', 'a3']);
  });

  it('has nothing to say without a liked paper that is indexed', () => {
    expect(recommendPapers(['unknown'], corpus)).toEqual([]);
    expect(tasteScorer([], corpus)).toBeUndefined();
    expect(tasteScorer(['a1'], corpus)!('unknown')).toBeUndefined();
  });
});

describe("a server's ranking", () => {
  it('orders by votes, then by taste, with unscored papers last among equals', () => {
    const taste = (id: string) => ({ x: 0.1, y: 0.9 })[id];
    const items = [{ paperId: 'x', votes: 1 }, { paperId: 'z', votes: 1 }, { paperId: 'y', votes: 1 }, { paperId: 'w', votes: 2 }];
    expect(byVotesThenTaste(items, taste).map((i) => i.paperId)).toEqual(['w', 'y', 'x', 'z']);
    expect(byVotesThenTaste(items, undefined).map((i) => i.paperId)).toEqual(['w', 'x', 'z', 'y']);
  });
});

describe("the digest's taste seam", () => {
  it("scores a server's papers by that server's votes only", () => {
    const votes = { list: (guildId: string) => (guildId === 'g1' ? [{ paperId: 'a1', userId: 'u', at: '2025-03-10T00:00:00Z' }] : []) };
    const engine = { tasteScorer: (liked: readonly string[]) => tasteScorer(liked, corpus) };
    const taste = digestTaste({ engine, votes } as unknown as Parameters<typeof digestTaste>[0]);
    const scores = taste('g1', ['a3', 'b2', 'unknown']);
    expect([...scores.keys()]).toEqual(['a3', 'b2']);
    expect(scores.get('a3')!).toBeGreaterThan(scores.get('b2')!);
    expect(taste('g2', ['a3', 'b2']).size).toBe(0);
  });
});
