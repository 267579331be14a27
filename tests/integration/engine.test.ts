import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embedding/embedder.js';
import { Engine, loadEmbedder } from '../../src/engine/engine.js';
import { MAX_QUESTION_CHARS } from '../../src/engine/question.js';
import { InvalidQuestionError, ModelUnavailableError, ReloadCancelledError, ReloadInProgressError, UnknownPaperError } from '../../src/errors.js';
import { EmbeddingCache } from '../../src/index/embedding-cache.js';
import { readManifest } from '../../src/index/generation.js';
import { generationFiles } from '../../src/index/manifest.js';
import { capturingLogger, quietLogger, seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { ROOT, SEEDS } from '../setup/paths.js';

const EVAL = join(ROOT, 'tests/eval');

const SCALING_MLPS = '2306.13575';

const extraPapers = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `extra-${i}`,
      title: `A study of widget number ${i} in graph learning`,
      abstract: `We study widget ${i}. It improves message passing in graph neural networks on molecule benchmarks by ${i} points. The method is simple.`,
      source: 'test',
    }),
  ).join('\n');

describe('engine over the seed', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.open(testConfig(seededDataDir()), { log: quietLogger() });
  });
  afterAll(() => engine.close());

  it('indexes all 64 seed papers with their arXiv ids and the inferred list date', () => {
    const stats = engine.stats();
    expect(stats.papers).toBe(64);
    expect(engine.hasPaper(SCALING_MLPS)).toBe(true);
    expect(engine.trending().date).toBe('2025-03-12');
  });

  it('answers a question with the right paper first, a marked summary sentence and links', async () => {
    const result = await engine.ask('how do MLPs scale on vision tasks?');
    const top = result.results[0]!;
    expect(top.id).toBe(SCALING_MLPS);
    expect(top.url).toBe(`https://arxiv.org/abs/${SCALING_MLPS}`);
    expect(top.links.pdf).toBe(`https://arxiv.org/pdf/${SCALING_MLPS}`);
    expect(top.links.huggingFace).toBe(`https://huggingface.co/papers/${SCALING_MLPS}`);
    expect(top.summary.filter((s) => s.matched)).toHaveLength(1);
    expect(top.summary.length).toBeLessThanOrEqual(2);
    const abstract = engine.paper(SCALING_MLPS).abstract;
    for (const sentence of top.summary) expect(abstract).toContain(sentence.text);
    expect(result.lowConfidence).toBe(false);
    expect(result.searched).toBe(64);
    expect(result.results.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('marks the sentence that answers, not the generic opener (issue 10 seed example)', async () => {
    const top = (await engine.ask('how do MLPs scale on vision tasks?')).results[0]!;
    const marked = top.summary.filter((s) => s.matched).map((s) => s.text);
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(/^We show that the performance of MLPs drastically improves with scale/);
    expect(top.summary.map((s) => s.text)).not.toContain('Empirical insights into MLPs are important for multiple reasons.');
  });

  it('meets a compound however it is typed: CIFAR finds the abstract that says CIFAR10', async () => {
    const result = await engine.ask('scaling plain MLPs on CIFAR and ImageNet');
    expect(result.results[0]!.id).toBe(SCALING_MLPS);
  });

  it('pages with offset without repeating results', async () => {
    const first = await engine.ask('efficient attention for long sequences', { k: 3 });
    const second = await engine.ask('efficient attention for long sequences', { k: 3, offset: 3 });
    expect(second.results.map((r) => r.rank)).toEqual([4, 5, 6]);
    const ids = [...first.results, ...second.results].map((r) => r.id);
    expect(new Set(ids).size).toBe(6);
    expect(first.hasMore).toBe(true);
  });

  it('says honestly when nothing matches', async () => {
    const result = await engine.ask('what is a good recipe for sourdough bread with a crispy crust?');
    expect(result.lowConfidence).toBe(true);
  });

  it('rejects an empty question and caps a huge one', async () => {
    await expect(engine.ask('   \u200b ')).rejects.toBeInstanceOf(InvalidQuestionError);
    const long = await engine.ask('transformers for images '.repeat(500));
    expect(long.truncated).toBe(true);
    expect(long.query.length).toBeLessThanOrEqual(MAX_QUESTION_CHARS);
    expect(long.results.length).toBeGreaterThan(0);
  });

  it('handles any Unicode in a question', async () => {
    const result = await engine.ask('¿Cómo escalan los MLP en visión? 🤖 \u0000 שלום 你好');
    expect(result.results.length).toBeGreaterThan(0);
    // The NUL is gone and the spaces around it collapsed; everything else is kept as typed.
    expect(result.query).toBe('¿Cómo escalan los MLP en visión? 🤖 שלום 你好');
    expect(result.truncated).toBe(false);
    expect(result.results.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(result.results.map((r) => r.id)).size).toBe(5);
    for (const hit of result.results) {
      expect(hit.score).toBeGreaterThanOrEqual(0);
      expect(hit.score).toBeLessThanOrEqual(1);
      expect(engine.hasPaper(hit.id)).toBe(true);
      expect(hit.summary.filter((s) => s.matched)).toHaveLength(1);
      const abstract = engine.paper(hit.id).abstract;
      for (const sentence of hit.summary) expect(abstract).toContain(sentence.text);
    }
    // Stable: the same question, and the one it was cleaned to, get the same answer.
    const ids = result.results.map((r) => r.id);
    expect((await engine.ask('¿Cómo escalan los MLP en visión? 🤖 \u0000 שלום 你好')).results.map((r) => r.id)).toEqual(ids);
    expect((await engine.ask(result.query)).results.map((r) => r.id)).toEqual(ids);
  });

  it('finds similar papers, never the paper itself', () => {
    const { paper, results } = engine.similar(SCALING_MLPS, 5);
    expect(paper.id).toBe(SCALING_MLPS);
    expect(results).toHaveLength(5);
    expect(results.map((r) => r.id)).not.toContain(SCALING_MLPS);
    expect(results[0]!.similarity).toBeGreaterThanOrEqual(results[4]!.similarity);
    expect(() => engine.similar('9999.99999')).toThrow(UnknownPaperError);
  });

  it('looks papers up by id, link, exact title and misspelt title', () => {
    expect(engine.paper(SCALING_MLPS).title).toBe('Scaling MLPs: A Tale of Inductive Bias');
    expect(engine.paper(`https://arxiv.org/abs/${SCALING_MLPS}v2`).id).toBe(SCALING_MLPS);
    expect(engine.paper('scaling mlps: a tale of inductive bias').id).toBe(SCALING_MLPS);
    expect(engine.paper('Scalling MLP a tale of inductve bias').id).toBe(SCALING_MLPS);
    const detail = engine.paper(SCALING_MLPS);
    expect(detail.similar).toHaveLength(3);
    expect(detail.tldr.length).toBeGreaterThan(20);
    expect(() => engine.paper('a paper about cooking pasta perfectly al dente')).toThrow(UnknownPaperError);
  });

  it('suggests at most 25 titles that match the typed text', () => {
    const all = engine.suggest('');
    expect(all).toHaveLength(25);
    const mlp = engine.suggest('mlp');
    expect(mlp.length).toBeGreaterThan(3);
    for (const s of mlp) expect(s.title.toLowerCase()).toContain('mlp');
    expect(engine.suggest('scaling ml')[0]!.id).toBe(SCALING_MLPS);
  });

  it('answers with sentences verbatim from the abstracts of the shown results they cite', async () => {
    const questions = readFileSync(join(EVAL, 'questions.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 6)
      .map((line) => (JSON.parse(line) as { question: string }).question);
    let answered = 0;
    for (const question of ['how do MLPs scale on vision tasks?', ...questions]) {
      const result = await engine.ask(question);
      if (result.lowConfidence) continue;
      answered++;
      const sentences = result.answer?.sentences ?? [];
      expect(sentences.length, question).toBeGreaterThanOrEqual(1);
      expect(sentences.length, question).toBeLessThanOrEqual(3);
      expect(sentences[0]!.rank, question).toBe(1);
      for (const sentence of sentences) {
        const cited = result.results.find((hit) => hit.rank === sentence.rank);
        expect(cited?.id, question).toBe(sentence.id);
        expect(engine.paper(sentence.id).abstract, question).toContain(sentence.text);
      }
    }
    expect(answered).toBeGreaterThanOrEqual(5);
    expect((await engine.ask('how do MLPs scale on vision tasks?')).answer!.sentences[0]!.id).toBe(SCALING_MLPS);
  });

  it('composes no answer for an out-of-domain question (low confidence) or past the first page', async () => {
    const outOfDomain = readFileSync(join(EVAL, 'out-of-domain.txt'), 'utf8').split('\n')[0]!;
    const weak = await engine.ask(outOfDomain);
    expect(weak.lowConfidence).toBe(true);
    expect(weak.answer).toBeUndefined();
    const second = await engine.ask('how do MLPs scale on vision tasks?', { offset: 5 });
    expect(second.results[0]!.rank).toBe(6);
    expect(second.answer).toBeUndefined();
  });

  it('lists the day ranked by list position when no upvotes are known, with a TL;DR each', () => {
    const day = engine.trending({ limit: 5 });
    expect(day.total).toBe(64);
    expect(day.items.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(day.items[1]!.id).toBe(SCALING_MLPS);
    for (const item of day.items) expect(item.tldr.length).toBeGreaterThan(20);
    expect(engine.trending({ date: '2020-01-01' }).total).toBe(0);
  });
});

describe('reload', () => {
  it('embeds nothing when nothing changed, and only the new papers when some are added', async () => {
    const dataDir = seededDataDir();
    const sources = tempDir();
    writeFileSync(join(sources, 'extra.jsonl'), '');
    const config = testConfig(dataDir, { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const engine = await Engine.open(config, { log: quietLogger() });
    try {
      const unchanged = await engine.reload();
      expect(unchanged.embedded).toBe(0);
      expect(unchanged.count).toBe(64);

      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(5));
      const added = await engine.reload();
      expect(added).toMatchObject({ added: 5, updated: 0, removed: 0, embedded: 5, count: 69, fullRebuild: false });
      expect((await engine.ask('widget message passing molecules', { k: 1 })).results[0]!.id).toMatch(/^extra-/);

      const again = await engine.reload();
      expect(again.embedded).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('removes papers that left the sources and re-embeds only a changed abstract', async () => {
    const sources = tempDir();
    writeFileSync(join(sources, 'extra.jsonl'), extraPapers(3));
    const config = testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const engine = await Engine.open(config, { log: quietLogger() });
    try {
      const lines = extraPapers(3).split('\n');
      lines[0] = lines[0]!.replace('The method is simple.', 'The method is simple and fast.');
      writeFileSync(join(sources, 'extra.jsonl'), lines.slice(0, 2).join('\n'));
      const report = await engine.reload();
      expect(report).toMatchObject({ added: 0, updated: 1, removed: 1, embedded: 1, count: 66 });
      expect(() => engine.paper('extra-2')).toThrow(UnknownPaperError);
      expect(engine.paper('extra-0').abstract).toContain('simple and fast');
    } finally {
      await engine.close();
    }
  });

  it('serves queries during a reload and refuses a second one', async () => {
    const sources = tempDir();
    const config = testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const engine = await Engine.open(config, { log: quietLogger() });
    try {
      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(20));
      const running = engine.reload();
      await expect(engine.reload()).rejects.toBeInstanceOf(ReloadInProgressError);
      const during = await engine.ask('how do MLPs scale on vision tasks?', { k: 1 });
      expect(during.results[0]!.id).toBe(SCALING_MLPS);
      expect(during.searched).toBe(64);
      await running;
      expect(engine.stats().papers).toBe(84);
    } finally {
      await engine.close();
    }
  });

  it('finishes a question on the index it started with when a reload swaps the index meanwhile', async () => {
    const sources = tempDir();
    const config = testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const real = await loadEmbedder(config);
    // Holds a question's embedding back until the test lets it go: the query awaits while holding its lease.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holdQueries = false;
    const embedder: Embedder = {
      modelId: real.modelId,
      dimension: real.dimension,
      embedQuery: async (text) => {
        const vector = await real.embedQuery(text);
        if (holdQueries) await held;
        return vector;
      },
      embedPassages: (texts, onProgress) => real.embedPassages(texts, onProgress),
      embedWithSentences: (passages, onProgress) => real.embedWithSentences(passages, onProgress),
      warm: () => real.warm(),
      dispose: () => real.dispose(),
    };
    const engine = await Engine.open(config, { log: quietLogger(), embedder });
    try {
      const before = engine.generation;
      holdQueries = true;
      const asking = engine.ask('how do MLPs scale on vision tasks?', { k: 3 });
      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(6));
      expect((await engine.reload()).count).toBe(70);
      expect(engine.generation).not.toBe(before);
      holdQueries = false;
      release();
      // Answered from the old snapshot, whose files a swap must not have closed underneath the query.
      const answer = await asking;
      expect(answer.searched).toBe(64);
      expect(answer.results[0]!.id).toBe(SCALING_MLPS);
      expect(answer.results[0]!.summary.filter((s) => s.matched)).toHaveLength(1);
      const after = await engine.ask('widget message passing molecules', { k: 1 });
      expect(after.searched).toBe(70);
      expect(after.results[0]!.id).toMatch(/^extra-/);
    } finally {
      await engine.close();
    }
  });

  it('keeps the old index serving when a reload fails halfway, and recovers on the next', async () => {
    const sources = tempDir();
    const config = testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const real = await loadEmbedder(config);
    let broken = false;
    const embedder: Embedder = {
      modelId: real.modelId,
      dimension: real.dimension,
      embedQuery: (text) => real.embedQuery(text),
      embedPassages: (texts, onProgress) => (broken ? Promise.reject(new Error('onnxruntime failed')) : real.embedPassages(texts, onProgress)),
      embedWithSentences: (passages, onProgress) => (broken ? Promise.reject(new Error('onnxruntime failed')) : real.embedWithSentences(passages, onProgress)),
      warm: () => real.warm(),
      dispose: () => real.dispose(),
    };
    const engine = await Engine.open(config, { log: quietLogger(), embedder });
    try {
      const generation = engine.generation;
      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(4));
      broken = true;
      await expect(engine.reload()).rejects.toThrow('onnxruntime failed');
      expect(engine.isReloading).toBe(false);
      expect(engine.stats().papers).toBe(64);
      expect(readManifest(join(config.dataDir, 'index')).generation).toBe(generation);
      expect((await engine.ask('how do MLPs scale on vision tasks?', { k: 1 })).results[0]!.id).toBe(SCALING_MLPS);
      broken = false;
      expect((await engine.reload()).count).toBe(68);
    } finally {
      await engine.close();
    }
  });
});

describe('reload in a build thread (as the bot reloads)', () => {
  /** The real threaded embedder, counting what the engine is asked to embed and when it is told to warm up. */
  async function countingEmbedder(config: ReturnType<typeof testConfig>) {
    const real = await loadEmbedder(config, undefined, true);
    const seen = { warm: 0, passages: 0, signals: [] as (AbortSignal | undefined)[], broken: false, hold: undefined as Promise<void> | undefined };
    const embedder: Embedder = {
      modelId: real.modelId,
      dimension: real.dimension,
      embedQuery: (text) => real.embedQuery(text),
      embedPassages: (texts, onProgress) => real.embedPassages(texts, onProgress),
      embedWithSentences: async (passages, onProgress, signal) => {
        seen.passages += passages.length;
        seen.signals.push(signal);
        if (seen.hold) await seen.hold;
        signal?.throwIfAborted();
        if (seen.broken) throw new ModelUnavailableError(real.modelId, 'its files were removed during the build');
        return real.embedWithSentences(passages, onProgress, signal);
      },
      warm: () => {
        seen.warm++;
        real.warm();
      },
      dispose: () => real.dispose(),
    };
    return { embedder, seen };
  }

  type Seen = Awaited<ReturnType<typeof countingEmbedder>>['seen'];

  /** An engine over the seed and a folder of extra sources, reloading in a build thread with the counting embedder. */
  async function withThreadEngine(test: (t: { engine: Engine; sources: string; seen: Seen; modelId: string; dataDir: string }) => Promise<void>) {
    const sources = tempDir();
    const config = testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const { embedder, seen } = await countingEmbedder(config);
    const engine = await Engine.open(config, { log: quietLogger(), embedder, buildInThread: true });
    try {
      await test({ engine, sources, seen, modelId: embedder.modelId, dataDir: config.dataDir });
    } finally {
      await engine.close();
    }
  }

  it('embeds for the thread with the engine\'s own model and threads: warmed once per change, never when nothing changed', async () => {
    await withThreadEngine(async ({ engine, sources, seen, dataDir }) => {
      expect((await engine.reload()).unchanged).toBe(true);
      expect(seen).toMatchObject({ warm: 0, passages: 0 });
      const graphFile = (dataDir: string, entry: { name: string }) => join(dataDir, 'index', readManifest(join(dataDir, 'index')).generation, entry.name);
      const [fullGraph] = readManifest(join(dataDir, 'index')).segments.graphs;
      const inode = statSync(graphFile(dataDir, fullGraph!)).ino;
      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(5));
      const report = await engine.reload();
      expect(report).toMatchObject({ added: 5, embedded: 5, count: 69 });
      expect(seen).toMatchObject({ warm: 1, passages: 5 });
      // The graph of the 64 is linked into the new generation as it was; the 5 have a graph of their own.
      const graphs = readManifest(join(dataDir, 'index')).segments.graphs;
      expect(graphs.map((g) => [g.firstLabel, g.labels, g.vectors])).toEqual([[0, 64, 64], [64, 5, 5]]);
      expect(statSync(graphFile(dataDir, graphs[0]!)).ino).toBe(inode);
      const top = await engine.ask('widget message passing molecules', { k: 1 });
      expect(top.results[0]!.id).toMatch(/^extra-/);
      expect(top.results[0]!.summary.some((s) => s.matched)).toBe(true);
      // Removed papers stay in their graph segment, and are left out of every search.
      rmSync(join(sources, 'extra.jsonl'));
      expect(await engine.reload()).toMatchObject({ removed: 5, embedded: 0, count: 64 });
      const after = await engine.ask('widget message passing molecules', { k: 5 });
      expect(after.results.map((r) => r.id).filter((id) => id.startsWith('extra-'))).toEqual([]);
      expect((await engine.ask('how do MLPs scale on vision tasks?', { k: 1 })).results[0]!.id).toBe(SCALING_MLPS);
    });
  });

  it('hands the thread an embedding failure whole, and keeps the old index serving', async () => {
    await withThreadEngine(async ({ engine, sources, seen, modelId }) => {
      const generation = engine.generation;
      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(3));
      seen.broken = true;
      const error = await engine.reload().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelUnavailableError);
      expect(error).toMatchObject({ code: 'model-unavailable', modelId });
      expect((error as Error).message).toContain('its files were removed during the build');
      expect(engine.generation).toBe(generation);
      expect(engine.stats().papers).toBe(64);
      seen.broken = false;
      expect((await engine.reload()).count).toBe(67);
    });
  });

  it('a cancelled reload stops the embedding it asked for, commits nothing, and the next reload works', async () => {
    await withThreadEngine(async ({ engine, sources, seen, dataDir }) => {
      const generation = engine.generation;
      let release: () => void = () => undefined;
      seen.hold = new Promise<void>((resolve) => (release = resolve));
      writeFileSync(join(sources, 'extra.jsonl'), extraPapers(4));
      const reloading = engine.reload().catch((error: unknown) => error);
      await expect.poll(() => seen.signals.length, { timeout: 30_000 }).toBe(1);
      await engine.cancelReload();
      expect(await reloading).toBeInstanceOf(ReloadCancelledError);
      expect(seen.signals[0]!.aborted).toBe(true);
      release();
      seen.hold = undefined;
      expect(engine.generation).toBe(generation);
      expect(readManifest(join(dataDir, 'index')).generation).toBe(generation);
      expect((await engine.reload()).count).toBe(68);
    });
  });
});

describe('persistence and corruption', () => {
  async function openAndClose(dataDir: string) {
    const capture = capturingLogger('info');
    const engine = await Engine.open(testConfig(dataDir), { log: capture.log });
    const stats = engine.stats();
    const answer = await engine.ask('how do MLPs scale on vision tasks?', { k: 1 });
    await engine.close();
    return { stats, top: answer.results[0]!.id, lines: capture.lines() };
  }

  const liveFile = (dataDir: string, name: string) => {
    const manifest = readManifest(join(dataDir, 'index'));
    return join(dataDir, 'index', manifest.generation, name);
  };
  /** The live generation's first segment of a kind. */
  const liveSegment = (dataDir: string, kind: 'papers' | 'sentences' | 'lexical' | 'graphs') => liveFile(dataDir, readManifest(join(dataDir, 'index')).segments[kind][0]!.name);

  it('loads an unchanged index without embedding anything', async () => {
    const dataDir = seededDataDir();
    const before = readManifest(join(dataDir, 'index')).generation;
    const { stats } = await openAndClose(dataDir);
    expect(stats.lastReload?.unchanged).toBe(true);
    expect(readManifest(join(dataDir, 'index')).generation).toBe(before);
  });

  it.each([
    ['a truncated HNSW graph segment', (d: string) => truncateSync(liveSegment(d, 'graphs'), 1000)],
    ['a papers segment grown by a byte', (d: string) => appendFileSync(liveSegment(d, 'papers'), ' ')],
    ['a corrupt manifest', (d: string) => writeFileSync(join(d, 'index', 'manifest.json'), '{"formatVersion": 1, "gen')],
    ['a missing sentence segment', (d: string) => rmSync(liveSegment(d, 'sentences'))],
    ['a truncated BM25 segment', (d: string) => truncateSync(liveSegment(d, 'lexical'), 100)],
    ['a rewritten catalog', (d: string) => writeFileSync(liveFile(d, 'catalog.bin'), '{"ids": []}')],
    ['a manifest edited by hand (its own checksum no longer matches)', (d: string) => {
      const path = join(d, 'index', 'manifest.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/"count":\d+/, '"count":63'));
    }],
  ])('reports %s and rebuilds from the cache without re-embedding', async (_, corrupt) => {
    const dataDir = seededDataDir();
    corrupt(dataDir);
    const { stats, top, lines } = await openAndClose(dataDir);
    expect(top).toBe(SCALING_MLPS);
    expect(stats.papers).toBe(64);
    expect(stats.lastReload).toMatchObject({ embedded: 0, fullRebuild: true });
    const warning = lines.find((l) => l.level === 40 && String(l.msg).includes('building the index from the sources'));
    expect(warning?.msg).toMatch(/corrupt|missing|checksum|bytes|not a valid|not a paperscout/);
  });

  it('discards corrupt embedding-cache segments instead of trusting them', async () => {
    const dataDir = seededDataDir();
    const cacheDir = readdirSync(join(dataDir, 'cache')).map((d) => join(dataDir, 'cache', d))[0]!;
    const segments = readdirSync(cacheDir).filter((name) => /^seg-\d+\.bin$/.test(name)).map((name) => join(cacheDir, name));
    for (const segment of segments) {
      const bytes = readFileSync(segment);
      bytes[bytes.length - 5]! ^= 0xff;
      writeFileSync(segment, bytes);
    }
    rmSync(join(dataDir, 'index'), { recursive: true });
    const { stats, top, lines } = await openAndClose(dataDir);
    expect(top).toBe(SCALING_MLPS);
    expect(stats.lastReload?.embedded).toBe(64);
    expect(lines.filter((l) => String(l.msg).includes('corrupt embedding-cache'))).toHaveLength(segments.length);
    const reopened = EmbeddingCache.open(cacheDir, 384);
    expect(reopened.discarded).toEqual([]);
    expect(reopened.size).toBeGreaterThanOrEqual(64);
    reopened.close();
  });

  it('leaves no temporary files or stale generations behind', async () => {
    const dataDir = seededDataDir();
    const indexDir = join(dataDir, 'index');
    // A folder left by a build that crashed, and two reloads that each write a new generation.
    mkdirSync(join(indexDir, 'gen-leftover-abc123'));
    writeFileSync(join(indexDir, 'gen-leftover-abc123', 'graph-00000001.bin'), 'half a graph');
    const sources = tempDir();
    const engine = await Engine.open(testConfig(dataDir, { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` }), { log: quietLogger() });
    const seen = new Set([engine.generation]);
    try {
      for (const n of [2, 3]) {
        writeFileSync(join(sources, 'extra.jsonl'), extraPapers(n));
        await engine.reload();
        seen.add(engine.generation);
      }
      expect(seen.size).toBe(3);
      const names = readdirSync(indexDir);
      expect(names.filter((n) => n.startsWith('gen-'))).toEqual([engine.generation]);
      expect(names.sort()).toEqual([engine.generation, 'manifest.json'].sort());
      // Exactly the files the manifest names: the graph, the catalog and each kind's segments, linked or new.
      const files = readdirSync(join(indexDir, engine.generation));
      expect(files.sort()).toEqual(generationFiles(readManifest(indexDir)).map((f) => f.name).sort());
      expect(files.filter((f) => /^(papers|sentences|bm25)-\d{8}\.(jsonl|bin)$/.test(f))).toHaveLength(9);
    } finally {
      await engine.close();
    }
  });
});
