import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { confidences, rankOf } from '../../src/eval/evaluate.js';
import { readNonBlankLines, readQuestions, retrievalScores } from '../../src/eval/metrics.js';
import { quietLogger, seededDataDir, testConfig } from '../setup/engine.js';
import { ROOT } from '../setup/paths.js';

const questions = readQuestions(`${ROOT}tests/eval/questions.jsonl`);
const outOfDomain = readNonBlankLines(`${ROOT}tests/eval/out-of-domain.txt`);

describe('retrieval quality with the real model', () => {
  const config = testConfig(seededDataDir());
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.open(config, { log: quietLogger() });
  });
  afterAll(() => engine.close());

  it('has a realistic evaluation set that covers most of the corpus', () => {
    expect(questions.length).toBeGreaterThanOrEqual(30);
    expect(new Set(questions.flatMap((q) => q.expected)).size).toBeGreaterThanOrEqual(40);
    for (const q of questions) for (const id of q.expected) expect(engine.hasPaper(id), id).toBe(true);
  });

  it('puts the expected paper first for at least 85% of questions and in the top 3 for 95%', async () => {
    const scores = retrievalScores(await rankOf(engine, questions));
    expect(scores.hitAt1).toBeGreaterThanOrEqual(0.85);
    expect(scores.hitAt3).toBeGreaterThanOrEqual(0.95);
  });

  it('finds every paper from its title (MRR ≥ 0.95 over all 64)', async () => {
    const titles = engine.titles().map(({ id, title }) => ({ question: title, expected: [id] }));
    expect(titles).toHaveLength(64);
    expect(retrievalScores(await rankOf(engine, titles)).mrr).toBeGreaterThanOrEqual(0.95);
  });

  it('flags out-of-domain questions as low confidence and answers in-domain ones confidently', async () => {
    const threshold = config.lowConfidenceThreshold;
    const ood = await confidences(engine, outOfDomain);
    const inDomain = await confidences(engine, questions.map((q) => q.question));
    expect(ood.filter((c) => c < threshold).length / ood.length).toBeGreaterThanOrEqual(0.95);
    expect(inDomain.filter((c) => c >= threshold).length / inDomain.length).toBeGreaterThanOrEqual(0.9);
  });
});
