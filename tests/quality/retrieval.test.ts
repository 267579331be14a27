import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embedding/embedder.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_WEIGHTS, type RankingWeights } from '../../src/engine/rank.js';
import { confidences, rankOf } from '../../src/eval/evaluate.js';
import { readNonBlankLines, readQuestions, retrievalScores, type EvalQuestion, type RetrievalScores } from '../../src/eval/metrics.js';
import { mean, ndcgAt } from '../../src/eval/ranking-metrics.js';
import { limitSciFact, QUALITY_CLAIMS, readSciFact, type SciFact } from '../../src/eval/scifact.js';
import { VARIANTS } from '../../src/eval/variants.js';
import { quietLogger, seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { ROOT } from '../setup/paths.js';

const questions = readQuestions(`${ROOT}tests/eval/questions.jsonl`);
const outOfDomain = readNonBlankLines(`${ROOT}tests/eval/out-of-domain.txt`);
const SCIFACT = join(ROOT, '../shared/realworld/scifact');

const FUSED = DEFAULT_WEIGHTS;
const BM25 = VARIANTS['bm25 only']!;
const DENSE = VARIANTS['dense + sentences']!;

/**
 * An embedder that is broken in the way a bad model file or pooling bug breaks one: every text gets
 * the same vector. Lexical evidence still works, so this is what the model-dependent checks must catch.
 */
function constantEmbedder(modelId: string): Embedder {
  const vector = new Float32Array(384).fill(1 / Math.sqrt(384));
  return {
    modelId,
    dimension: 384,
    embedQuery: async () => vector,
    embedPassages: async (texts) => texts.map(() => vector),
    embedWithSentences: async (passages) => passages.map((p) => ({ passage: vector, sentences: p.sentences.map(() => vector) })),
    warm: () => undefined,
    dispose: async () => undefined,
  };
}

interface SeedFigures {
  fused: RetrievalScores;
  bm25: RetrievalScores;
  dense: RetrievalScores;
  titleMrr: number;
}

async function seedFigures(engine: Engine): Promise<SeedFigures> {
  const titles = engine.titles().map(({ id, title }) => ({ question: title, expected: [id] }));
  return {
    fused: retrievalScores(await rankOf(engine, questions, FUSED)),
    bm25: retrievalScores(await rankOf(engine, questions, BM25)),
    dense: retrievalScores(await rankOf(engine, questions, DENSE)),
    titleMrr: retrievalScores(await rankOf(engine, titles, FUSED)).mrr,
  };
}

/**
 * The seed checks that fail, by name. BM25 alone reaches hit@1 0.947, hit@3 0.987 and MRR 0.967 on
 * these questions (npm run eval), so the fused floors sit above it, and dense alone must do well too
 * (measured: fused hit@1 0.973, MRR 0.980; dense hit@1 0.867, hit@3 0.920; a constant embedder: fused = BM25).
 */
function seedShortfalls(f: SeedFigures): string[] {
  const checks: [string, boolean][] = [
    ['fused hit@1 ≥ 0.96', f.fused.hitAt1 >= 0.96],
    ['fused MRR ≥ 0.97', f.fused.mrr >= 0.97],
    ['fused hit@1 above BM25 alone', f.fused.hitAt1 > f.bm25.hitAt1],
    ['dense hit@1 ≥ 0.8', f.dense.hitAt1 >= 0.8],
    ['dense hit@3 ≥ 0.88', f.dense.hitAt3 >= 0.88],
    ['title MRR ≥ 0.95', f.titleMrr >= 0.95],
  ];
  return checks.filter(([, pass]) => !pass).map(([name]) => name);
}

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

  it('ranks above BM25 alone fused, ranks well dense alone, and finds every paper from its title', async () => {
    const figures = await seedFigures(engine);
    expect(engine.titles()).toHaveLength(64);
    expect(seedShortfalls(figures), JSON.stringify(figures)).toEqual([]);
  });

  it('flags out-of-domain questions as low confidence and answers in-domain ones confidently', async () => {
    const threshold = config.lowConfidenceThreshold;
    const ood = await confidences(engine, outOfDomain);
    const inDomain = await confidences(engine, questions.map((q) => q.question));
    expect(ood.filter((c) => c < threshold).length / ood.length).toBeGreaterThanOrEqual(0.95);
    expect(inDomain.filter((c) => c >= threshold).length / inDomain.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the seed checks need a working model', () => {
  it('fail with an embedder that returns one constant vector', async () => {
    const config = testConfig(tempDir());
    const engine = await Engine.open(config, { log: quietLogger(), embedder: constantEmbedder(config.model.id) });
    try {
      const shortfalls = seedShortfalls(await seedFigures(engine));
      expect(shortfalls).toEqual(expect.arrayContaining(['fused hit@1 ≥ 0.96', 'fused hit@1 above BM25 alone', 'dense hit@1 ≥ 0.8']));
    } finally {
      await engine.close();
    }
  });
});

interface SliceFigures {
  fused: number;
  bm25: number;
  dense: number;
}

/** nDCG@10 of fused, BM25-only and dense-only ranking on the slice's claims. */
async function sliceFigures(engine: Engine, slice: SciFact): Promise<SliceFigures> {
  const asked: EvalQuestion[] = slice.claims.map((c) => ({ question: c.text, expected: [...c.relevant] }));
  const ndcg = async (weights: RankingWeights) => {
    const lists = [];
    for (const q of asked) lists.push((await engine.ask(q.question, { k: 10, weights })).results.map((r) => r.id));
    return mean(lists.map((ids, i) => ndcgAt(10, ids, slice.claims[i]!.relevant)));
  };
  return { fused: await ndcg(FUSED), bm25: await ndcg(BM25), dense: await ndcg(DENSE) };
}

/**
 * Floors with room below the measured figures (fused 0.874, BM25 alone 0.803, dense 0.925 with MiniLM;
 * a constant embedder: fused 0.803, dense 0.008); BM25 alone is the bar to clear.
 */
function sliceShortfalls(f: SliceFigures): string[] {
  const checks: [string, boolean][] = [
    ['fused nDCG@10 ≥ 0.85', f.fused >= 0.85],
    ['fused nDCG@10 above BM25 alone by 0.04', f.fused >= f.bm25 + 0.04],
    ['dense nDCG@10 ≥ 0.85', f.dense >= 0.85],
  ];
  return checks.filter(([, pass]) => !pass).map(([name]) => name);
}

/** An engine over the slice's abstracts, in a folder of its own. */
async function sliceEngine(slice: SciFact, embedder?: (modelId: string) => Embedder): Promise<Engine> {
  const dir = tempDir();
  const sources = join(dir, 'sources');
  mkdirSync(sources);
  writeFileSync(join(sources, 'scifact.jsonl'), slice.papers.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const config = testConfig(dir, { PAPERSCOUT_SOURCES: sources });
  return Engine.open(config, { log: quietLogger(), embedder: embedder?.(config.model.id) });
}

describe.skipIf(!existsSync(SCIFACT))(`a SciFact train slice held out of tuning, from ${SCIFACT} (skipped when that folder is absent)`, () => {
  // The claims tuning never sees (src/eval/scifact.ts), over 300 abstracts that include their relevant ones.
  const slice = existsSync(SCIFACT) ? limitSciFact(readSciFact(SCIFACT, 'train'), { docs: 300, claims: QUALITY_CLAIMS }) : undefined;

  it('ranks above BM25 alone with the real model', { timeout: 600_000 }, async () => {
    const engine = await sliceEngine(slice!);
    try {
      const figures = await sliceFigures(engine, slice!);
      expect(sliceShortfalls(figures), JSON.stringify(figures)).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('fails those checks with an embedder that returns one constant vector', { timeout: 120_000 }, async () => {
    const engine = await sliceEngine(slice!, constantEmbedder);
    try {
      const shortfalls = sliceShortfalls(await sliceFigures(engine, slice!));
      expect(shortfalls).toEqual(expect.arrayContaining(['fused nDCG@10 above BM25 alone by 0.04', 'dense nDCG@10 ≥ 0.85']));
    } finally {
      await engine.close();
    }
  });
});
