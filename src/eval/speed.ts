import { join } from 'node:path';
import { loadEmbedder } from '../engine/engine.js';
import { splitSentences } from '../text/sentences.js';
import { readSciFact } from './scifact.js';
import { evalEngineConfig } from './workspace.js';

export interface ModelSpeed {
  model: string;
  /** Median time to embed one question, over `questions` questions asked three times. */
  questionP50Ms: number;
  /** Texts a build embeds per second: SciFact abstracts and each of their sentences, in batches. */
  passagesPerSecond: number;
  questions: number;
  passages: number;
}

/**
 * What a model costs where it is felt: a question's embedding (the reply waits for it) and a build's
 * embedding throughput (abstracts and sentences, as the index embeds them). Pure timing, no index.
 */
export async function measureSpeed(model: string, realworld: string, questions: readonly string[], abstracts = 60): Promise<ModelSpeed> {
  const config = evalEngineConfig(model, join('data', 'eval'));
  const embedder = await loadEmbedder(config);
  try {
    const papers = readSciFact(join(realworld, 'scifact'), 'train').papers.slice(0, abstracts);
    const texts = papers.flatMap((p) => [`${p.title}\n${p.abstract}`, ...splitSentences(p.abstract).map((s) => p.abstract.slice(s.start, s.end))]);
    await embedder.embedQuery('warm up');
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const q of questions) {
        const started = performance.now();
        await embedder.embedQuery(q);
        times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    const started = performance.now();
    await embedder.embedPassages(texts);
    const seconds = (performance.now() - started) / 1000;
    return {
      model: config.model.id,
      questionP50Ms: Math.round(times[Math.floor(times.length / 2)]! * 100) / 100,
      passagesPerSecond: Math.round((texts.length / seconds) * 10) / 10,
      questions: questions.length,
      passages: texts.length,
    };
  } finally {
    await embedder.dispose();
  }
}
