/**
 * The cost of a reload, for one checkout of paperscout, so two can be compared back to back on the
 * same machine under the same load:
 *   node --import tsx bench/probes/reload-side-by-side.ts <checkout root> <corpus dir>
 * e.g. <corpus dir> = data/bench/corpus-100000 (of that checkout: each reads its own index format).
 * Puts the vectors of 100 new synthetic papers into the corpus's embedding cache first, so no model
 * runs and what is measured is what the index costs; then reloads with them added, reloads with them
 * removed, prints one JSON line, and puts the corpus back as it was (bench/lib/index-backup.ts).
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timeAddThenRemove } from '../lib/add-then-remove.js';
import { indexBackup } from '../lib/index-backup.js';
import { roundedStages } from '../lib/stages.js';

const [rootArg, corpusArg] = process.argv.slice(2);
if (!rootArg || !corpusArg) throw new Error('usage: reload-side-by-side.ts <checkout root> <corpus dir>');
const root = resolve(rootArg);
const corpusDir = resolve(corpusArg);
// The checkout's own modules: its engine, its index format, its synthetic papers.
const { Engine } = await import(join(root, 'src/engine/engine.ts'));
const { createLogger } = await import(join(root, 'src/log.ts'));
const { benchConfig, syntheticPaper, loadSeed } = await import(join(root, 'bench/lib/synthetic.ts'));
const { EmbeddingCache } = await import(join(root, 'src/index/embedding-cache.ts'));
const { cacheDirFor, modelFingerprint } = await import(join(root, 'src/engine/build-from-sources.ts'));
const { prng } = await import(join(root, 'bench/harness/random.ts'));

/** What this probe reads of a reload's report, in any checkout. */
interface Reloaded {
  added: number;
  removed: number;
  embeddedTexts?: number;
  stagesMs?: Record<string, number>;
}

interface Synthetic {
  paper: { id: string };
  vectors: Map<string, Float32Array>;
}

const config = benchConfig(root, join(corpusDir, 'data'), join(corpusDir, 'sources'));
const seed = (await loadSeed(root, join(root, 'data', 'bench'))) as { abstract: string; vector: Float32Array }[];
const vocabulary = [...new Set(seed.flatMap((p) => p.abstract.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w)))];
const random = prng(4242);
const extra = Array.from({ length: 100 }, (_, i) => syntheticPaper(900_000 + i, seed, vocabulary, random) as Synthetic);
const dimension = seed[0]!.vector.length;
const cache = EmbeddingCache.open(cacheDirFor(config.dataDir, modelFingerprint(config, dimension)), dimension);
await cache.add(new Map(extra.flatMap((p) => [...p.vectors])));
cache.close();

const backup = indexBackup(config.dataDir);
const file = join(config.sourcePaths[0], 'bench-extra-side-by-side.jsonl');
const engine = await Engine.open(config, { log: createLogger({ level: 'warn' }), reloadOnOpen: false });
try {
  const { added, addMs, removed, removeMs } = await timeAddThenRemove<Reloaded>(engine, file, extra.map((p) => JSON.stringify({ ...p.paper, id: `side-${p.paper.id}` })));
  process.stdout.write(
    `${JSON.stringify({ root, addMs: Math.round(addMs), removeMs: Math.round(removeMs), added: added.added, embeddedTexts: added.embeddedTexts, removed: removed.removed, addStagesMs: roundedStages(added), removeStagesMs: roundedStages(removed) })}\n`,
  );
} finally {
  rmSync(file, { force: true });
  await engine.close();
  backup.restore();
  backup.discard();
}
