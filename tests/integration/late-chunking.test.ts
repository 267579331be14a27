import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder, PassageWithSentences } from '../../src/embedding/embedder.js';
import { loadEmbedder } from '../../src/engine/engine.js';
import { paperPassage, type Paper } from '../../src/papers/paper.js';
import { loadSources } from '../../src/papers/sources.js';
import { splitSentences } from '../../src/text/sentences.js';
import { SEEDS } from '../setup/paths.js';
import { tempDir, testConfig } from '../setup/engine.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

function withSentences(paper: Pick<Paper, 'title' | 'abstract'>): PassageWithSentences {
  const text = paperPassage(paper);
  const offset = text.length - paper.abstract.length;
  return { text, sentences: splitSentences(paper.abstract).map((s) => ({ start: s.start + offset, end: s.end + offset })) };
}

/**
 * The share of sentences whose late-chunked vector lies nearest its own sentence embedded alone,
 * among the sentences of its passage; and the mean cosine to its own minus that to the others.
 */
async function agreement(embedder: Embedder, passages: readonly PassageWithSentences[]) {
  const late = await embedder.embedWithSentences(passages);
  let own = 0;
  let total = 0;
  let gap = 0;
  for (const [i, passage] of passages.entries()) {
    const alone = await embedder.embedPassages(passage.sentences.map((s) => passage.text.slice(s.start, s.end)));
    late[i]!.sentences.forEach((vector, j) => {
      const cosines = alone.map((other) => dot(vector, other));
      if (cosines.indexOf(Math.max(...cosines)) === j) own++;
      const others = cosines.filter((_, k) => k !== j);
      if (others.length) gap += cosines[j]! - others.reduce((a, b) => a + b, 0) / others.length;
      total++;
    });
  }
  return { own: own / total, gap: gap / total, total };
}

describe('late-chunked sentence vectors', () => {
  let embedder: Embedder;
  let passages: PassageWithSentences[];

  beforeAll(async () => {
    embedder = await loadEmbedder(testConfig(tempDir()));
    passages = (await loadSources([SEEDS])).papers.slice(0, 24).map(withSentences);
  });
  afterAll(() => embedder.dispose());

  it('leave the paper vector exactly as embedPassages makes it', async () => {
    const late = await embedder.embedWithSentences(passages);
    const alone = await embedder.embedPassages(passages.map((p) => p.text));
    late.forEach((vectors, i) => expect(Array.from(vectors.passage)).toEqual(Array.from(alone[i]!)));
  });

  it('give each sentence a unit vector that points to that sentence rather than its neighbours', async () => {
    const late = await embedder.embedWithSentences(passages);
    late.forEach((vectors, i) => {
      expect(vectors.sentences).toHaveLength(passages[i]!.sentences.length);
      for (const v of vectors.sentences) expect(dot(v, v)).toBeCloseTo(1, 4);
    });
    // Measured on the seed: about three in four sentences are nearest their own (1 in 9 by chance).
    const { own, gap, total } = await agreement(embedder, passages);
    expect(total).toBeGreaterThan(150);
    expect(own).toBeGreaterThan(0.6);
    expect(gap).toBeGreaterThan(0.1);
  });

  it('give sentences past the model length vectors of their own, from a later window', async () => {
    // Three abstracts as one: about 600 tokens, so the later sentences lie outside the first window.
    const papers = (await loadSources([SEEDS])).papers.slice(30, 39);
    const long = [0, 3, 6].map((k) =>
      withSentences({ title: papers[k]!.title, abstract: papers.slice(k, k + 3).map((p) => p.abstract).join(' ') }),
    );
    const late = await embedder.embedWithSentences(long);
    // The last sentences' vectors differ from one another (not one window's mean for all of them)…
    for (const { sentences } of late) expect(dot(sentences.at(-1)!, sentences.at(-2)!)).toBeLessThan(0.95);
    // …and each points to its own sentence as well as in a short passage.
    const { own } = await agreement(embedder, long);
    expect(own).toBeGreaterThan(0.6);
  });
});
