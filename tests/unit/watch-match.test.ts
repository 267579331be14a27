import { describe, expect, it } from 'vitest';
import { rankDigest } from '../../src/bot/daily/digest.js';
import { DIGEST_PAGE, renderDigest, renderNoMatch } from '../../src/bot/render/digest.js';
import { embedLength } from '../../src/bot/render/limits.js';
import type { WatchMatch } from '../../src/bot/state/watches.js';
import { DEFAULT_WEIGHTS, semanticScore } from '../../src/engine/rank.js';
import { isTopicMatch, matchStrength, termCoverage, TOPIC_THRESHOLD } from '../../src/engine/topic-match.js';
import { bestThreshold, countMatches, precisionRecall, readWatchLabels } from '../../src/eval/watch-set.js';
import { ROOT } from '../setup/paths.js';

describe('topic matching', () => {
  it("scores a paper by /ask's fusion with the lexical part on an absolute scale", () => {
    const e = { dense: 0.5, sentence: 0.6, coverage: 0.5 };
    expect(matchStrength(e, DEFAULT_WEIGHTS)).toBeCloseTo(semanticScore(e, DEFAULT_WEIGHTS) + DEFAULT_WEIGHTS.lexical * 0.5, 10);
    // The same paper scores the same whatever else is around: no pool to normalize against.
    expect(matchStrength({ ...e, coverage: 1 }, DEFAULT_WEIGHTS)).toBeGreaterThan(matchStrength(e, DEFAULT_WEIGHTS));
    expect(matchStrength({ ...e, coverage: 0 }, DEFAULT_WEIGHTS)).toBeCloseTo(semanticScore(e, DEFAULT_WEIGHTS), 10);
    expect(isTopicMatch(TOPIC_THRESHOLD)).toBe(true);
    expect(isTopicMatch(TOPIC_THRESHOLD - 0.001)).toBe(false);
  });

  it('counts the share of the topic term weight the text contains', () => {
    const topic = new Map([
      ['speech', 2],
      ['recognit', 1],
    ]);
    expect(termCoverage(topic, 'Robust speech recognition at scale')).toBe(1);
    expect(termCoverage(topic, 'Speech synthesis')).toBeCloseTo(2 / 3);
    expect(termCoverage(topic, 'Video diffusion')).toBe(0);
    expect(termCoverage(new Map(), 'anything')).toBe(0);
  });
});

describe('the digest', () => {
  const m = (watchId: number, paperId: string, strength: number): WatchMatch => ({
    watchId,
    paperId,
    strength,
    excerpt: [{ text: `About ${paperId}.`, matched: true }],
    matchedAt: '2025-03-12T06:00:00Z',
    delivered: true,
  });
  const topics = new Map([
    [1, 'video generation'],
    [2, 'image generation'],
  ]);

  it('lists each paper once under its strongest watch, by strength, then taste, then votes', () => {
    const ranked = rankDigest([m(1, 'a', 0.8), m(2, 'a', 0.9), m(1, 'b', 0.85), m(1, 'c', 0.85), m(2, 'd', 0.85)], topics, new Map([['d', 1]]), new Map([['c', 3]]));
    expect(ranked.map((e) => [e.paperId, e.topic])).toEqual([
      ['a', 'image generation'],
      ['d', 'image generation'],
      ['c', 'video generation'],
      ['b', 'video generation'],
    ]);
  });

  it('pages a long digest five papers a message, each message within Discord limits, the matched sentence in bold', () => {
    const long = 'word '.repeat(2000);
    const items = Array.from({ length: 12 }, (_, i) => ({
      card: { id: `p${i}`, title: `${long}${i}`, url: `https://arxiv.org/abs/p${i}`, links: { primary: `https://arxiv.org/abs/p${i}` } },
      topic: 'video generation @everyone',
      excerpt: [
        { text: long, matched: false },
        { text: `The sentence ${i} that matched.`, matched: true },
      ],
    })) as unknown as Parameters<typeof renderDigest>[1];
    const pages = renderDigest('2025-03-12', items, new Map());
    expect(pages.map((p) => p.embeds.length)).toEqual([DIGEST_PAGE, DIGEST_PAGE, 2]);
    expect(pages[0]!.content).toMatch(/^📰 \*\*Today's digest\*\* \(the list of 2025-03-12\): 12 papers matched this channel's watches\. More in the thread below\.$/);
    expect(pages[1]!.content).toBe('Papers 6–10 of 12');
    for (const page of pages) {
      expect(page.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(6000);
      expect(page.content.length).toBeLessThanOrEqual(2000);
      expect(page.allowedMentions).toEqual({ parse: [] });
      for (const e of page.embeds) expect(e.description!.length).toBeLessThanOrEqual(4096);
    }
    expect(pages[0]!.embeds[0]!.description).toMatch(/^🔭 Watch «video generation \\@everyone»/);
    expect(renderNoMatch('2025-03-12', ['speech recognition']).content).toBe("📭 No paper in the list of 2025-03-12 matched this channel's watches («speech recognition»).");
  });
});

describe('the watch labels and their metrics', () => {
  it('labels at least 10 topics over tune and test days, every label among its day\'s papers', () => {
    const days = readWatchLabels(`${ROOT}tests/eval/watch-labels.jsonl`);
    expect(Object.keys(days[0]!.relevant).length).toBeGreaterThanOrEqual(10);
    expect(new Set(days.map((d) => d.split))).toEqual(new Set(['tune', 'test']));
    expect(days.reduce((n, d) => n + Object.values(d.relevant).flat().length, 0)).toBeGreaterThan(50);
  });

  it('counts precision and recall at a threshold and picks the best-F1 one', () => {
    const pairs = [
      { score: 0.9, relevant: true },
      { score: 0.8, relevant: false },
      { score: 0.7, relevant: true },
      { score: 0.2, relevant: false },
    ];
    expect(countMatches(pairs, 0.75)).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 1 });
    expect(precisionRecall(countMatches(pairs, 0.75))).toMatchObject({ precision: 0.5, recall: 0.5 });
    expect(bestThreshold(pairs)).toBe(0.7);
  });
});
