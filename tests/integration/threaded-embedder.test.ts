import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder, type PassageWithSentences } from '../../src/embedding/embedder.js';
import { ThreadedEmbedder } from '../../src/embedding/threaded-embedder.js';
import { paperPassage } from '../../src/papers/paper.js';
import { loadSources } from '../../src/papers/sources.js';
import { splitSentences } from '../../src/text/sentences.js';
import { SEEDS } from '../setup/paths.js';
import { tempDir, testConfig } from '../setup/engine.js';

const config = testConfig(tempDir());
const options = { spec: config.model, modelsDir: config.modelsDir, offline: true, dtype: config.dtype, batchSize: 1, threads: 1 };

async function passages(n: number): Promise<PassageWithSentences[]> {
  return (await loadSources([SEEDS])).papers
    .slice(0, n)
    .map((paper) => {
      const text = paperPassage(paper);
      const offset = text.length - paper.abstract.length;
      return { text, sentences: splitSentences(paper.abstract).map((s) => ({ start: s.start + offset, end: s.end + offset })) };
    });
}

describe('embedding threads', () => {
  let threaded: ThreadedEmbedder;
  let local: TransformersEmbedder;
  beforeAll(async () => {
    threaded = await ThreadedEmbedder.load(options, 2);
    local = await TransformersEmbedder.load(options);
  });
  afterAll(async () => {
    await threaded.dispose();
    await local.dispose();
  });

  it('warmed up, embeds as the calling thread\'s model does, bit for bit', async () => {
    threaded.warm();
    threaded.warm(); // a second call while they start changes nothing
    const some = await passages(6);
    const [fromThreads, here] = [await threaded.embedWithSentences(some), await local.embedWithSentences(some)];
    expect(fromThreads).toHaveLength(6);
    fromThreads.forEach((vectors, i) => {
      expect([...vectors.passage]).toEqual([...here[i]!.passage]);
      expect(vectors.sentences.map((v) => [...v])).toEqual(here[i]!.sentences.map((v) => [...v]));
    });
  });

  it('stops between parcels when aborted, rejecting with the reason, and embeds again afterwards', async () => {
    const stop = new AbortController();
    const many = await passages(40);
    let done = 0;
    const embedding = threaded.embedWithSentences(many, (d) => {
      done = d;
      if (d >= 8) stop.abort(new Error('reload cancelled by the test'));
    }, stop.signal);
    await expect(embedding).rejects.toThrow('reload cancelled by the test');
    expect(done).toBeLessThan(40);
    const again = await threaded.embedWithSentences(many.slice(0, 2));
    expect(again.map((v) => v.sentences.length)).toEqual(many.slice(0, 2).map((p) => p.sentences.length));
  });

  it('the calling thread\'s model stops between batches too', async () => {
    const stop = new AbortController();
    stop.abort(new Error('stopped before it began'));
    await expect(local.embedWithSentences(await passages(2), undefined, stop.signal)).rejects.toThrow('stopped before it began');
  });
});
