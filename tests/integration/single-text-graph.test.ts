import { copyFileSync, existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder, type PassageWithSentences } from '../../src/embedding/embedder.js';
import { onnxFileName } from '../../src/embedding/models.js';
import { SINGLE_TEXT_MODEL } from '../../src/embedding/single-text-file.js';
import { paperPassage } from '../../src/papers/paper.js';
import { loadSources } from '../../src/papers/sources.js';
import { splitSentences } from '../../src/text/sentences.js';
import { embedderOptions, tempDir, testConfig } from '../setup/engine.js';
import { MODELS, SEEDS } from '../setup/paths.js';

const config = testConfig(tempDir());
const bits = (vectors: readonly Float32Array[]) => vectors.map((v) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)));

/** A models folder holding the shipped model's files, without its single-text graph. */
function copyOfModel(): string {
  const dir = tempDir();
  const from = join(MODELS, config.model.id);
  const to = join(dir, config.model.id);
  mkdirSync(join(to, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', onnxFileName(config.dtype))]) copyFileSync(join(from, file), join(to, file));
  return dir;
}

describe('the single-text graph', () => {
  let original: TransformersEmbedder;
  let single: TransformersEmbedder;
  let passages: PassageWithSentences[];

  beforeAll(async () => {
    [original, single] = await Promise.all([TransformersEmbedder.load(embedderOptions({ singleTextGraph: false })), TransformersEmbedder.load(embedderOptions())]);
    const papers = (await loadSources([SEEDS])).papers;
    const withSentences = (title: string, abstract: string): PassageWithSentences => {
      const text = paperPassage({ title, abstract });
      const offset = text.length - abstract.length;
      return { text, sentences: splitSentences(abstract).map((s) => ({ start: s.start + offset, end: s.end + offset })) };
    };
    // Short passages, and three abstracts as one (about 600 tokens: a first window and later ones).
    passages = [
      ...papers.slice(0, 12).map((p) => withSentences(p.title, p.abstract)),
      withSentences(papers[40]!.title, papers.slice(40, 43).map((p) => p.abstract).join(' ')),
    ];
  });
  afterAll(async () => {
    await Promise.all([original?.dispose(), single?.dispose()]);
  });

  it('gives the original graph’s passage and sentence vectors, bit for bit', async () => {
    expect([single.singleTextGraph, original.singleTextGraph]).toEqual([true, false]);
    const [expected, actual] = [await original.embedWithSentences(passages), await single.embedWithSentences(passages)];
    expect(passages.at(-1)!.sentences.length).toBeGreaterThan(15);
    expect(bits(actual.map((v) => v.passage))).toEqual(bits(expected.map((v) => v.passage)));
    expect(bits(actual.flatMap((v) => v.sentences))).toEqual(bits(expected.flatMap((v) => v.sentences)));
  });

  it('gives the original graph’s question vectors, bit for bit', async () => {
    const questions = ['how do MLPs scale on vision tasks?', 'x', 'diffusion models for protein structure prediction with few labelled examples'];
    for (const question of questions) expect(bits([await single.embedQuery(question)])).toEqual(bits([await original.embedQuery(question)]));
  });

  it('leaves a padded batch of several texts to the original graph', async () => {
    const texts = ['a short text', 'a somewhat longer text about retrieval augmented generation'];
    const batched = await TransformersEmbedder.load(embedderOptions({ batchSize: 2 }));
    const reference = await TransformersEmbedder.load(embedderOptions({ batchSize: 2, singleTextGraph: false }));
    try {
      expect(bits(await batched.embedPassages(texts))).toEqual(bits(await reference.embedPassages(texts)));
    } finally {
      await Promise.all([batched.dispose(), reference.dispose()]);
    }
  });

  it('is derived beside the weights on first load, and again when the weights are newer', async () => {
    const modelsDir = copyOfModel();
    const derived = join(modelsDir, config.model.id, 'onnx', onnxFileName(config.dtype, SINGLE_TEXT_MODEL));
    await (await TransformersEmbedder.load(embedderOptions({ modelsDir }))).dispose();
    expect(existsSync(derived)).toBe(true);

    // Weights provisioned again after it: the graph is derived from them anew.
    const weights = join(modelsDir, config.model.id, 'onnx', onnxFileName(config.dtype));
    writeFileSync(derived, 'stale');
    utimesSync(derived, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    copyFileSync(join(MODELS, config.model.id, 'onnx', onnxFileName(config.dtype)), weights);
    const embedder = await TransformersEmbedder.load(embedderOptions({ modelsDir }));
    try {
      expect(embedder.singleTextGraph).toBe(true);
      expect(statSync(derived).size).toBeGreaterThan(1_000_000);
      expect(bits([await embedder.embedQuery('graph neural networks')])).toEqual(bits([await original.embedQuery('graph neural networks')]));
    } finally {
      await embedder.dispose();
    }
  });

  it('falls back to the original graph when its file is unusable', async () => {
    const modelsDir = copyOfModel();
    // Newer than the weights, so it is not derived again, and no graph at all.
    writeFileSync(join(modelsDir, config.model.id, 'onnx', onnxFileName(config.dtype, SINGLE_TEXT_MODEL)), 'not a graph');
    const embedder = await TransformersEmbedder.load(embedderOptions({ modelsDir }));
    try {
      expect(embedder.singleTextGraph).toBe(false);
      expect(bits([await embedder.embedQuery('graph neural networks')])).toEqual(bits([await original.embedQuery('graph neural networks')]));
    } finally {
      await embedder.dispose();
    }
  });
});
