import { prng } from '../../bench/harness/random.js';
import { loadSources } from '../../src/papers/sources.js';
import { splitSentences } from '../../src/text/sentences.js';
import { SEEDS } from './paths.js';

/**
 * An `api/daily_papers` response of `count` made-up papers, the same for the same seed: abstracts
 * recombined from the seed papers' sentences, each sentence marked with its paper so that none is
 * in the embedding cache yet (an ingest of it has real embedding to do). Ids are arXiv ids from 2601.
 */
export async function dailyPapersResponse(count: number, seed: number, firstId = 0): Promise<string> {
  const random = prng(seed);
  const { papers } = await loadSources([SEEDS]);
  const sentences = papers.flatMap((p) => splitSentences(p.abstract).map((s) => p.abstract.slice(s.start, s.end)));
  const pick = () => sentences[Math.floor(random() * sentences.length)]!;
  const items = Array.from({ length: count }, (_, i) => {
    const n = firstId + i;
    const summary = Array.from({ length: 6 }, (_, k) => `${pick().replace(/[.!?]$/, '')} (study ${n}, part ${k}).`).join(' ');
    const title = `${papers[Math.floor(random() * papers.length)]!.title} (study ${n})`;
    return { paper: { id: `2601.${String(10000 + n).padStart(5, '0')}`, title, summary, upvotes: Math.floor(random() * 50) }, publishedAt: '2026-01-05T00:00:00.000Z' };
  });
  return JSON.stringify(items);
}
