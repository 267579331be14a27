import { join } from 'node:path';
import { loadEmbedder } from '../engine/engine.js';
import { preparePaper } from '../index/build-plan.js';
import { passageWithSentences } from '../index/build.js';
import { readSciFact } from './scifact.js';
import { evalEngineConfig } from './workspace.js';

export interface ModelSpeed {
  model: string;
  /** Median time to embed one question, over `questions` questions asked three times. */
  questionP50Ms: number;
  /** Papers a build embeds per second: each SciFact abstract's passage and sentence vectors, as the index makes them. */
  papersPerSecond: number;
  questions: number;
  papers: number;
}

/**
 * What a model costs where it is felt: a question's embedding (the reply waits for it) and a build's
 * embedding throughput (passage and sentences from one pass, with the build's embedder). Pure timing, no index.
 */
export async function measureSpeed(model: string, realworld: string, questions: readonly string[], abstracts = 60): Promise<ModelSpeed> {
  const config = evalEngineConfig(model, join('data', 'eval'));
  const embedder = await loadEmbedder(config);
  try {
    const papers = readSciFact(join(realworld, 'scifact'), 'train').papers;
    const passages = papers.slice(0, abstracts).map((p) => passageWithSentences(preparePaper(p)));
    // Every worker loads its session on its first passages: warm them outside the timing.
    await embedder.embedWithSentences(papers.slice(abstracts, abstracts + 4).map((p) => passageWithSentences(preparePaper(p))));
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
    await embedder.embedWithSentences(passages);
    const seconds = (performance.now() - started) / 1000;
    return {
      model: config.model.id,
      questionP50Ms: Math.round(times[Math.floor(times.length / 2)]! * 100) / 100,
      papersPerSecond: Math.round((passages.length / seconds) * 10) / 10,
      questions: questions.length,
      papers: passages.length,
    };
  } finally {
    await embedder.dispose();
  }
}
