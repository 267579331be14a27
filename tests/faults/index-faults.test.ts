import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { temporaryPath } from '../../src/util/atomic-write.js';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { ModelUnavailableError, NoPapersError } from '../../src/errors.js';
import { manifestPath, readManifest, verifyGeneration } from '../../src/index/generation.js';
import { generationFiles, manifestChecksum, type Manifest } from '../../src/index/manifest.js';
import { capturingLogger, quietLogger, seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { MODELS, SEEDS } from '../setup/paths.js';

/**
 * Faults a real deployment meets: a crash mid-build, lost or truncated files, an index from another
 * model, a damaged model download, bad source files. paperscout must keep or rebuild a good index and
 * say clearly what is wrong, never serve garbage or destroy the last good index.
 */
const SCALING_MLPS = '2306.13575';
const QUESTION = 'how do MLPs scale on vision tasks?';
const MODEL_ID = 'Xenova/all-MiniLM-L6-v2';
const LOCATION = /^(line \d+|item \d+|top level|page \d+, item \d+|file)$/;

const indexDir = (dataDir: string) => join(dataDir, 'index');
const liveGeneration = (dataDir: string) => readManifest(indexDir(dataDir)).generation;
/** The live generation's (first) graph segment's file name. */
const liveGraph = (dataDir: string) => readManifest(indexDir(dataDir)).segments.graphs[0]!.name;
const generations = (dataDir: string) => readdirSync(indexDir(dataDir)).filter((n) => n.startsWith('gen-')).sort();

/** Every paper record in the live generation's papers segments. */
function storedPapers(dataDir: string): { id: string; title: string }[] {
  const manifest = readManifest(indexDir(dataDir));
  return manifest.segments.papers.flatMap((segment) =>
    readFileSync(join(indexDir(dataDir), manifest.generation, segment.name), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; title: string }),
  );
}

/** Deterministic garbage: the same bytes on every run. */
function garbage(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

const widgetPaper = (id: string, title = 'Widgets for message passing in graph neural networks', extra: object = {}) =>
  JSON.stringify({
    id,
    title,
    ...extra,
    abstract:
      'We study widgets, small learned gates on the edges of a graph. Widgets improve message passing in graph neural networks on molecule property benchmarks by four points. The method is simple and adds no parameters at inference.',
    source: 'test',
  });

async function topHit(engine: Engine, question = QUESTION): Promise<string> {
  return (await engine.ask(question, { k: 1 })).results[0]!.id;
}

describe('a crash between writing a generation and switching the manifest', () => {
  it('keeps serving the last good generation, and the next build sweeps the leftovers away', async () => {
    const dataDir = seededDataDir();
    const dir = indexDir(dataDir);
    const before = liveGeneration(dataDir);
    const manifestText = readFileSync(manifestPath(dir), 'utf8');

    // The half-written generation: a truncated graph and nothing else.
    mkdirSync(join(dir, 'gen-crashed-xyz'));
    const graph = liveGraph(dataDir);
    writeFileSync(join(dir, 'gen-crashed-xyz', graph), readFileSync(join(dir, before, graph)).subarray(0, 1000));
    // The temporary manifest an atomic write leaves when killed before its rename: `manifest.json.<hex>`.
    const tmpManifest = temporaryPath(manifestPath(dir));
    expect(basename(tmpManifest)).toMatch(/^manifest\.json\.[0-9a-f]+$/);
    const crashed = JSON.stringify({ ...JSON.parse(manifestText), generation: 'gen-crashed-xyz' });
    writeFileSync(tmpManifest, crashed.slice(0, crashed.length / 2));

    const sources = tempDir();
    writeFileSync(join(sources, 'extra.jsonl'), '');
    const config = testConfig(dataDir, { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` });
    const capture = capturingLogger('info');
    const engine = await Engine.open(config, { log: capture.log });
    try {
      expect(engine.stats().lastReload?.unchanged).toBe(true);
      expect(engine.stats().lastReload?.embedded).toBe(0);
      expect(engine.generation).toBe(before);
      expect(readFileSync(manifestPath(dir), 'utf8')).toBe(manifestText);
      expect(capture.lines().filter((l) => String(l.msg).includes('building the index'))).toEqual([]);
      expect(await topHit(engine)).toBe(SCALING_MLPS);
      expect(engine.stats().papers).toBe(64);

      writeFileSync(join(sources, 'extra.jsonl'), widgetPaper('extra-widget'));
      const report = await engine.reload();
      expect(report).toMatchObject({ added: 1, embedded: 1, count: 65, unchanged: false });
      const after = liveGeneration(dataDir);
      expect(after).not.toBe(before);
      expect(generations(dataDir)).toEqual([after]);
      expect(existsSync(join(dir, 'gen-crashed-xyz'))).toBe(false);
      // Note: the stray `manifest.json.<hash>` is not swept (only gen-* folders are); it is harmless, never read.
      expect(await topHit(engine, 'widgets message passing graph neural networks molecules')).toBe('extra-widget');
    } finally {
      await engine.close();
    }

    const reopened = await Engine.open(config, { log: quietLogger() });
    try {
      expect(reopened.stats().lastReload?.unchanged).toBe(true);
      expect(reopened.stats().papers).toBe(65);
    } finally {
      await reopened.close();
    }
  });
});

describe('a crash while a reload links and appends segments', () => {
  it('leaves the live generation whole: its segments verify byte for byte, and the next build sweeps the leftovers', async () => {
    const dataDir = seededDataDir();
    const dir = indexDir(dataDir);
    const before = readManifest(dir);
    // What a reload killed mid-write leaves: links to every live segment, a new segment cut short, no switch.
    const crashed = join(dir, 'gen-crashed-abc');
    mkdirSync(crashed);
    for (const kind of ['papers', 'sentences', 'lexical'] as const) {
      for (const { name } of before.segments[kind]) linkSync(join(dir, before.generation, name), join(crashed, name));
    }
    writeFileSync(join(crashed, 'papers-00000099.jsonl'), '{"id": "half');

    const sources = tempDir();
    writeFileSync(join(sources, 'extra.jsonl'), widgetPaper('extra-widget'));
    const engine = await Engine.open(testConfig(dataDir, { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` }), { log: quietLogger() });
    try {
      expect(engine.stats().lastReload).toMatchObject({ added: 1, embedded: 1, fullRebuild: false, count: 65 });
      const after = readManifest(dir);
      expect(generations(dataDir)).toEqual([after.generation]);
      expect(await verifyGeneration(dir, after)).toEqual([]);
      // The previous generation's segments are carried over as they were, and one of each kind added.
      for (const kind of ['papers', 'sentences', 'lexical'] as const) {
        expect(after.segments[kind].slice(0, before.segments[kind].length)).toEqual(before.segments[kind]);
        expect(after.segments[kind]).toHaveLength(before.segments[kind].length + 1);
      }
      expect(readdirSync(join(dir, after.generation)).sort()).toEqual(generationFiles(after).map((f) => f.name).sort());
      expect(await topHit(engine, 'widgets message passing graph neural networks molecules')).toBe('extra-widget');
      expect(await topHit(engine)).toBe(SCALING_MLPS);
    } finally {
      await engine.close();
    }
  });

  it('a byte flipped inside a segment passes the check on open, and index status names it (README, "Reliability")', async () => {
    const dataDir = seededDataDir();
    const dir = indexDir(dataDir);
    const manifest = readManifest(dir);
    const segment = manifest.segments.sentences[0]!;
    const path = join(dir, manifest.generation, segment.name);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(path, bytes);
    const engine = await Engine.open(testConfig(dataDir), { log: quietLogger(), reloadOnOpen: false });
    try {
      expect(engine.generation).toBe(manifest.generation);
    } finally {
      await engine.close();
    }
    expect(await verifyGeneration(dir, manifest)).toEqual([segment.name]);
  });
});

describe('lost and damaged index files', () => {
  it('rebuilds from the sources, re-embedding everything, when the graph is truncated and the embedding cache is gone', async () => {
    const dataDir = seededDataDir();
    const before = liveGeneration(dataDir);
    const ids = storedPapers(dataDir).map((p) => p.id).sort();
    truncateSync(join(indexDir(dataDir), before, liveGraph(dataDir)), 1000);
    rmSync(join(dataDir, 'cache'), { recursive: true, force: true });

    const capture = capturingLogger('info');
    const engine = await Engine.open(testConfig(dataDir), { log: capture.log });
    try {
      const warning = capture.lines().find((l) => l.level === 40 && String(l.msg).includes('building the index from the sources'));
      expect(warning?.msg).toMatch(/graph-\d+\.bin has 1000 bytes/);
      expect(engine.stats().lastReload).toMatchObject({ embedded: 64, fullRebuild: true, count: 64 });
      expect(await topHit(engine)).toBe(SCALING_MLPS);

      const after = liveGeneration(dataDir);
      expect(after).not.toBe(before);
      expect(generations(dataDir)).toEqual([after]);
      const papers = storedPapers(dataDir);
      expect(papers).toHaveLength(64);
      expect(papers.map((p) => p.id).sort()).toEqual(ids);
      // The cache is written again, so the next rebuild embeds nothing.
      expect(readdirSync(join(dataDir, 'cache')).length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
    rmSync(join(indexDir(dataDir), 'manifest.json'));
    const again = await Engine.open(testConfig(dataDir), { log: quietLogger() });
    try {
      expect(again.stats().lastReload?.embedded).toBe(0);
    } finally {
      await again.close();
    }
  });

  it.each([
    ['dimension', 512, 'dimension 512 → 384'],
    ['id', 'Xenova/bge-small-en-v1.5', 'id "Xenova/bge-small-en-v1.5" → "Xenova/all-MiniLM-L6-v2"'],
  ] as const)('an index built with another model (%s) is named in a warning and rebuilt from the cache', async (field, value, named) => {
    const dataDir = seededDataDir();
    const before = liveGeneration(dataDir);
    const manifest = JSON.parse(readFileSync(manifestPath(indexDir(dataDir)), 'utf8')) as { model: Record<string, unknown> };
    manifest.model[field] = value;
    // As that model's build would have written it: with a checksum of its own that matches.
    writeFileSync(manifestPath(indexDir(dataDir)), JSON.stringify({ ...manifest, checksum: manifestChecksum(manifest as unknown as Manifest) }));

    const capture = capturingLogger('info');
    const engine = await Engine.open(testConfig(dataDir), { log: capture.log });
    try {
      const warnings = capture.lines().filter((l) => l.level === 40).map((l) => String(l.msg));
      expect(warnings.some((m) => m.includes(named) && m.includes('building the index from the sources'))).toBe(true);
      expect(engine.stats().lastReload).toMatchObject({ embedded: 0, fullRebuild: true, count: 64 });
      const rebuilt = readManifest(indexDir(dataDir));
      expect(rebuilt.generation).not.toBe(before);
      expect(rebuilt.model).toMatchObject({ id: MODEL_ID, dimension: 384 });
      expect(await topHit(engine)).toBe(SCALING_MLPS);
    } finally {
      await engine.close();
    }
  });
});

describe('a damaged model folder', () => {
  function modelsCopy(): { models: string; folder: string } {
    const models = tempDir('paperscout-models-');
    cpSync(join(MODELS, MODEL_ID), join(models, MODEL_ID), { recursive: true });
    return { models, folder: join(models, MODEL_ID) };
  }

  async function openError(models: string): Promise<unknown> {
    const dataDir = tempDir();
    const error = await Engine.open(testConfig(dataDir, { PAPERSCOUT_MODELS_DIR: models }), { log: quietLogger() }).then(
      async (engine) => {
        await engine.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    // Nothing was built from a model that could not load.
    expect(existsSync(manifestPath(indexDir(dataDir)))).toBe(false);
    return error;
  }

  it('a garbage ONNX file: ModelUnavailableError naming the folder, to delete and provision again', async () => {
    const { models, folder } = modelsCopy();
    writeFileSync(join(folder, 'onnx', 'model_quantized.onnx'), garbage(64 * 1024));
    const error = await openError(models);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(folder);
    expect(message).toContain('present but unusable');
    expect(message).toContain('delete that folder and provision again');
    expect(message).toContain('npm run model:offline');
  });

  it('a missing tokenizer.json: ModelUnavailableError naming the folder and how to provision offline', async () => {
    const { models, folder } = modelsCopy();
    rmSync(join(folder, 'tokenizer.json'));
    const error = await openError(models);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(MODEL_ID);
    expect(message).toContain(folder);
    expect(message).toMatch(/offline/);
    expect(message).toContain('npm run model:offline');
  });
});

describe('bad source files', () => {
  function badSources(): { dir: string; files: string[] } {
    const dir = tempDir();
    const garbageLines = Buffer.concat([garbage(3000, 1), Buffer.from('\n{"id": "half'), Buffer.from('\n\u0000\u0001\n'), garbage(500, 2)]);
    const files = {
      'garbage.jsonl': garbageLines,
      'not-an-array.json': Buffer.from('{"papers": [{"id": "2306.13575"}]}'),
      '2025-03-13.json': Buffer.from('[{"paper": {"id": "2503.09001", "title": "Cut off'),
      'binary.txt': garbage(2000, 3),
      'broken-arxiv-ids.tsv': Buffer.from('listing_rank\tarxiv_id\ttitle\n1\tnot-an-id\tSome title\n'),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    mkdirSync(join(dir, 'a-folder.jsonl'));
    return { dir, files: [...Object.keys(files), 'a-folder.jsonl'].map((name) => join(dir, name)) };
  }

  it('next to the seeds: the engine opens with the 64 seed papers and reports every bad file with a location', async () => {
    const { dir, files } = badSources();
    const capture = capturingLogger('info');
    const engine = await Engine.open(testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${dir}` }), { log: capture.log });
    try {
      expect(engine.stats().papers).toBe(64);
      expect(engine.stats().lastReload?.unchanged).toBe(true);
      expect(await topHit(engine)).toBe(SCALING_MLPS);
      const problems = engine.stats().lastReload?.problems ?? [];
      for (const file of files) {
        const own = problems.filter((p) => p.source === file);
        expect(own.length, `problems for ${basename(file)}`).toBeGreaterThan(0);
        for (const p of own) {
          expect(p.location).toMatch(LOCATION);
          expect(p.message.trim()).not.toBe('');
        }
      }
      expect(problems.find((p) => p.source.endsWith('not-an-array.json'))?.location).toBe('top level');
      // Each problem is logged as a warning too, with its file and location.
      const warned = capture.lines().filter((l) => l.level === 40 && typeof l.source === 'string');
      for (const file of files) expect(warned.some((l) => l.source === file && LOCATION.test(String(l.location)))).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('keeps reporting the bad files on the next open, after an index was built with them present', async () => {
    const { dir, files } = badSources();
    writeFileSync(join(dir, 'extra.jsonl'), widgetPaper('extra-widget'));
    const config = testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${dir}` });
    const first = await Engine.open(config, { log: quietLogger() });
    try {
      expect(first.stats().lastReload).toMatchObject({ added: 1, count: 65, unchanged: false });
    } finally {
      await first.close();
    }
    // A restart with the same files: still 65 papers, and the bad files are still named, not forgotten.
    const capture = capturingLogger('info');
    const second = await Engine.open(config, { log: capture.log });
    try {
      expect(second.stats().papers).toBe(65);
      const problems = second.stats().lastReload?.problems ?? [];
      const missing = files.filter((file) => !problems.some((p) => p.source === file)).map((file) => basename(file));
      expect(missing).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('a title with a lone surrogate (a JSON "\\ud83d" escape) does not break answering, trending or lookups', async () => {
    const sources = tempDir();
    writeFileSync(join(sources, 'extra.jsonl'), widgetPaper('widget-lone', 'Widgets \ud83d for message passing in graph neural networks', {
        listings: [{ date: '2025-03-13', rank: 1 }],
      }));
    const engine = await Engine.open(testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` }), { log: quietLogger() });
    try {
      expect(engine.stats().papers).toBe(65);
      const failures: string[] = [];
      const attempt = async (what: string, run: () => unknown) => {
        try {
          await run();
        } catch (error) {
          failures.push(`${what}: ${String(error)}`);
        }
      };
      await attempt('ask', async () => expect(await topHit(engine, 'widgets message passing graph neural networks molecules')).toBe('widget-lone'));
      await attempt('paper', () => engine.paper('widget-lone'));
      await attempt('similar', () => engine.similar('widget-lone'));
      await attempt('suggest', () => engine.suggest('widgets'));
      await attempt('trending', () => expect(engine.trending({ date: '2025-03-13' }).items.map((i) => i.id)).toEqual(['widget-lone']));
      expect(failures).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});

describe('every source unusable', () => {
  function garbageOnly(): string {
    const dir = tempDir();
    writeFileSync(join(dir, 'garbage.jsonl'), garbage(2000, 9));
    return dir;
  }

  it('on open over a good index: NoPapersError naming the sources, and the index is left intact', async () => {
    const dataDir = seededDataDir();
    const before = liveGeneration(dataDir);
    const manifestText = readFileSync(manifestPath(indexDir(dataDir)), 'utf8');
    const genFiles = readdirSync(join(indexDir(dataDir), before)).sort();
    const bad = garbageOnly();

    const error = await Engine.open(testConfig(dataDir, { PAPERSCOUT_SOURCES: bad }), { log: quietLogger() }).then(
      async (engine) => {
        await engine.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoPapersError);
    expect((error as Error).message).toContain(`No papers found in ${bad}`);
    expect((error as Error).message).toContain(join(bad, 'garbage.jsonl'));

    expect(readFileSync(manifestPath(indexDir(dataDir)), 'utf8')).toBe(manifestText);
    expect(generations(dataDir)).toEqual([before]);
    expect(readdirSync(join(indexDir(dataDir), before)).sort()).toEqual(genFiles);

    // The index still verifies: opened without syncing it serves; with good sources it is unchanged.
    const serving = await Engine.open(testConfig(dataDir, { PAPERSCOUT_SOURCES: bad }), { log: quietLogger(), reloadOnOpen: false });
    try {
      expect(serving.stats().papers).toBe(64);
      expect(await topHit(serving)).toBe(SCALING_MLPS);
    } finally {
      await serving.close();
    }
    const good = await Engine.open(testConfig(dataDir), { log: quietLogger() });
    try {
      expect(good.stats().lastReload?.unchanged).toBe(true);
      expect(good.generation).toBe(before);
    } finally {
      await good.close();
    }
  });

  // In a build thread the error crosses a thread boundary and must arrive whole: class, code and detail.
  it.each([
    ['', false],
    [' in a build thread', true],
  ])('on reload%s: NoPapersError naming the sources, and the engine keeps serving the old index', async (_, buildInThread) => {
    const dataDir = seededDataDir();
    const sources = tempDir();
    for (const name of readdirSync(SEEDS)) cpSync(join(SEEDS, name), join(sources, name));
    const engine = await Engine.open(testConfig(dataDir, { PAPERSCOUT_SOURCES: sources }), { log: quietLogger(), buildInThread });
    try {
      const before = engine.generation;
      expect(engine.stats().papers).toBe(64);
      for (const name of readdirSync(sources)) rmSync(join(sources, name), { force: true });
      writeFileSync(join(sources, 'garbage.jsonl'), garbage(2000, 11));

      const error = await engine.reload().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NoPapersError);
      expect(error).toMatchObject({ code: 'no-papers', sources: [sources] });
      expect((error as NoPapersError).problems.some((p) => p.startsWith(join(sources, 'garbage.jsonl')))).toBe(true);
      expect((error as Error).message).toContain(sources);
      expect(engine.isReloading).toBe(false);
      expect(engine.stats().papers).toBe(64);
      expect(await topHit(engine)).toBe(SCALING_MLPS);
      expect(liveGeneration(dataDir)).toBe(before);
      expect(generations(dataDir)).toEqual([before]);
    } finally {
      await engine.close();
    }
  });
});
