import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineConfig } from '../../src/config.js';
import { sourcePaths } from '../../src/engine/build-from-sources.js';
import { IndexLoadError } from '../../src/errors.js';
import { indexDirIn, readManifest } from '../../src/index/generation.js';
import type { Manifest } from '../../src/index/manifest.js';
import { sourcesStamp } from '../../src/papers/sources.js';
import { readNonBlankLines, readQuestions } from '../../src/eval/metrics.js';
import { benchConfig, loadSeed, writeCorpus, type SeedPaper } from './synthetic.js';
import type { BenchContext } from './types.js';

const run = promisify(execFile);

export interface Corpus {
  size: number;
  dir: string;
  config: EngineConfig;
  /** Wall time and peak RSS of the first full build of this corpus, in a process of its own. */
  build?: BuildRun;
  indexBytes: number;
}

export interface BuildRun {
  buildMs: number;
  peakRssBytes: number;
  /** Peak JavaScript heap in use (absent in markers from older runs). */
  peakHeapBytes?: number;
}

let seed: Promise<SeedPaper[]> | undefined;

export function seedVectors(ctx: BenchContext): Promise<SeedPaper[]> {
  seed ??= loadSeed(ctx.root, ctx.workDir);
  return seed;
}

const probe = (ctx: BenchContext, name: string) => join(ctx.root, 'bench', 'probes', name);

/** The build process's JavaScript heap limit: within the 8 GB a build may take, with room for the graph, which lives outside it. */
const BUILD_HEAP_MB = 6144;

/** Sources a section adds to a stored corpus for a while (extra papers to reload with), by its name. */
const EXTRA_SOURCE = /^bench-extra-[\w-]+\.jsonl$/;

export function extraSourcePath(target: Pick<Corpus, 'config'>, section: string): string {
  return join(target.config.sourcePaths[0]!, `bench-extra-${section}.jsonl`);
}

/**
 * Why the stored index of a corpus is not the one built from its own sources, or undefined when it
 * is. Sections put back what they change (see index-backup.ts); a run killed part-way may not have.
 */
function changedSinceBuilt(config: EngineConfig): string | undefined {
  const indexDir = indexDirIn(config.dataDir);
  if (!existsSync(join(indexDir, 'manifest.json'))) return 'it has no index';
  let manifest;
  try {
    manifest = readManifest(indexDir);
  } catch (error) {
    if (!(error instanceof IndexLoadError)) throw error;
    return `its index cannot be served as it is (${error.message})`;
  }
  if (manifest.count !== manifest.labels) return 'its index holds deleted labels';
  if (manifest.sourcesStamp !== sourcesStamp(sourcePaths(config))) return 'its sources changed since its index was built';
  return undefined;
}

/** A synthetic corpus of `size` papers with its index built (kept under data/bench/ between runs). */
export async function corpus(ctx: BenchContext, size: number): Promise<Corpus> {
  const dir = join(ctx.workDir, `corpus-${size}`);
  const config = await writeCorpus(ctx.root, dir, size, await seedVectors(ctx), ctx.log);
  // Extra papers left by a run that was killed part-way.
  const sources = config.sourcePaths[0]!;
  for (const name of readdirSync(sources)) if (EXTRA_SOURCE.test(name)) rmSync(join(sources, name), { force: true });
  const builtMarker = join(dir, 'build.json');
  const changed = existsSync(builtMarker) ? changedSinceBuilt(config) : undefined;
  if (changed) {
    ctx.log(`  the stored corpus of ${size} papers is rebuilt: ${changed}`);
    rmSync(builtMarker);
  }
  let build: BuildRun | undefined;
  if (existsSync(builtMarker)) {
    build = JSON.parse(readFileSync(builtMarker, 'utf8')) as BuildRun;
  } else {
    ctx.log(`  building the index of ${size} papers…`);
    rmSync(indexDirIn(config.dataDir), { recursive: true, force: true }); // a build cut short earlier; measure a whole one
    const { stdout } = await run(process.execPath, [`--max-old-space-size=${BUILD_HEAP_MB}`, '--import', 'tsx', probe(ctx, 'build.ts'), config.dataDir, config.sourcePaths[0]!], {
      cwd: ctx.root,
      timeout: 8 * 60 * 60_000,
      maxBuffer: 64 << 20,
    }).catch((error: { stderr?: string; signal?: string; code?: number }) => {
      // Say why in one line: V8's own fatal message when there is one, else the signal or exit code.
      const fatal = error.stderr?.split('\n').find((line) => /FATAL ERROR|Error:/.test(line));
      throw new Error(fatal?.trim() ?? `the build process ended with ${error.signal ?? `exit code ${error.code}`}`);
    });
    build = JSON.parse(stdout.trim().split('\n').at(-1)!) as BuildRun;
    writeFileSync(builtMarker, JSON.stringify(build));
  }
  const indexDir = indexDirIn(config.dataDir);
  const manifest = readManifest(indexDir);
  return { size, dir, config, build, indexBytes: graphBytes(manifest) };
}

/** Bytes of a generation's graph segments. */
function graphBytes(manifest: Manifest): number {
  return manifest.segments.graphs.reduce((sum, entry) => sum + entry.bytes, 0);
}

/** The one graph file of a stored corpus, which a full build wrote (a reload's segments are put back after each section). */
export function storedGraphFile(indexDir: string, manifest: Manifest): string {
  const [graph, ...more] = manifest.segments.graphs;
  if (!graph || more.length) throw new Error(`${indexDir} has ${manifest.segments.graphs.length} graph segments; a stored corpus has the one of its full build`);
  return join(indexDir, manifest.generation, graph.name);
}

/** Whether the stored corpus of `size` papers has a measured build already (so nothing need be guessed about one). */
export function hasBuild(ctx: BenchContext, size: number): boolean {
  return existsSync(join(ctx.workDir, `corpus-${size}`, 'build.json'));
}

/**
 * Why building `size` papers would likely fail here, judged from the builds measured so far: their
 * peak memory is extrapolated as a power of the corpus size fitted through the two largest (a build
 * streams its sources, so it grows slower than the corpus), and linearly from one alone, never faster.
 * Over 80% of the machine's memory, or over the build's heap limit, is too much. Undefined when it should fit.
 */
export function buildWontFit(size: number, measured: readonly Corpus[], memoryBytes = totalmem()): string | undefined {
  const built = measured.filter((c) => c.build?.peakRssBytes);
  const largest = built.at(-1);
  if (!largest) return undefined;
  const before = built.at(-2);
  const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;
  const estimate = (of: (c: Corpus) => number | undefined) => {
    const at = of(largest);
    if (!at) return undefined;
    const earlier = before && of(before);
    const power = earlier ? Math.min(1, Math.max(0, Math.log(at / earlier) / Math.log(largest.size / before.size))) : 1;
    const grown = at * (size / largest.size) ** power;
    const how = earlier ? `growing as size^${power.toFixed(2)} from ${before.size} to ${largest.size}` : 'scaled linearly';
    return { grown, text: `about ${gb(grown)} (${gb(at)} measured at ${largest.size}, ${how})` };
  };
  const rss = estimate((c) => c.build?.peakRssBytes)!;
  if (rss.grown > 0.8 * memoryBytes) return `building ${size} papers would need ${rss.text}, over 80% of this machine's ${gb(memoryBytes)}`;
  const heapLimit = BUILD_HEAP_MB * 2 ** 20;
  const heap = estimate((c) => c.build?.peakHeapBytes);
  if (heap && heap.grown > heapLimit) return `building ${size} papers would need ${heap.text} of JavaScript heap, over the build's heap limit of ${gb(heapLimit)}`;
  return undefined;
}

/** Realistic questions: the evaluation set and the out-of-domain set. */
export function benchQuestions(ctx: BenchContext): string[] {
  return [
    ...readQuestions(join(ctx.root, 'tests/eval/questions.jsonl')).map((q) => q.question),
    ...readNonBlankLines(join(ctx.root, 'tests/eval/out-of-domain.txt')),
  ];
}

export interface ServeResult {
  papers: number;
  coldStartMs: number;
  /** From open to Engine.warmed, before the first question (absent in results of older runs). */
  warmMs?: number;
  samples: { tookMs: number; embedMs: number; lexicalMs: number; searchMs: number; summaryMs: number }[];
  baselineRssBytes: number;
  afterOpenRssBytes: number;
  peakRssBytes: number;
}

/** Opens a corpus in a fresh process and asks every question `repeats` times. */
export async function serveInProcess(ctx: BenchContext, target: Corpus, questions: readonly string[], repeats: number): Promise<ServeResult> {
  const queriesPath = join(ctx.workDir, 'queries.json');
  writeFileSync(queriesPath, JSON.stringify(questions));
  const script = probe(ctx, 'serve.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, target.config.dataDir, target.config.sourcePaths[0]!, queriesPath, String(repeats)], {
    cwd: ctx.root,
    maxBuffer: 64 << 20,
    timeout: 30 * 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ServeResult;
}

/** The bundled 64-paper seed, indexed under data/bench/seed (loaded by seedVectors). */
export async function seedCorpus(ctx: BenchContext): Promise<Corpus> {
  await seedVectors(ctx);
  const config = benchConfig(ctx.root, join(ctx.workDir, 'seed'), join(ctx.root, 'seeds'));
  const indexDir = indexDirIn(config.dataDir);
  const manifest = readManifest(indexDir);
  return { size: 64, dir: join(ctx.workDir, 'seed'), config, indexBytes: graphBytes(manifest) };
}
