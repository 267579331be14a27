import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envWith, loadEngineConfig } from '../config.js';
import { Engine } from '../engine/engine.js';
import type { RankingWeights } from '../engine/rank.js';
import { progressLine } from '../format/progress.js';
import { createLogger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import type { MarkedResult } from './rationale.js';

/** What every real-data set is run with. */
export interface SetOptions {
  model: string;
  /** The folder of the real-world data sets (`--realworld`). */
  realworld: string;
  limitDocs?: number;
  limitQueries?: number;
}

/** A folder name for a model alias or hub id. */
export const modelSlug = (model: string) => model.replace(/[^\w.-]+/g, '_');

/** The engine config of an evaluation index in `dataDir`, with the user's models folder. */
export function evalEngineConfig(model: string, dataDir: string, sources?: string) {
  const base = loadEngineConfig();
  return loadEngineConfig(
    envWith({ EMBEDDING_MODEL: model, PAPERSCOUT_DATA_DIR: dataDir, PAPERSCOUT_MODELS_DIR: base.modelsDir, PAPERSCOUT_SOURCES: sources }),
  );
}

/**
 * Opens an engine over `papers` in the set's own folder, `data/eval/<set>-<model>/`, never the
 * user's index. The papers are written there as its only source, rewritten only when they change,
 * so a later run finds the sources unchanged and reuses its build (embedding nothing).
 */
export async function openSetEngine(set: string, model: string, papers: readonly Paper[]): Promise<Engine> {
  const dir = join(loadEngineConfig().dataDir, 'eval', `${set}-${modelSlug(model)}`);
  const sources = join(dir, 'sources');
  const file = join(sources, `${set}.jsonl`);
  const text = papers.map((p) => JSON.stringify(p)).join('\n') + '\n';
  mkdirSync(sources, { recursive: true });
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  // A build takes minutes: a progress line for each phase and each tenth of it.
  let shown = '';
  return Engine.open(evalEngineConfig(model, dir, sources), {
    log: createLogger({ level: 'warn' }),
    onProgress: (progress) => {
      const step = `${progress.phase} ${Math.floor((10 * progress.done) / Math.max(1, progress.total))}`;
      if (step === shown) return;
      shown = step;
      process.stderr.write(`${set}: ${progressLine(progress)}\n`);
    },
  });
}

/** The top 10 of each question, each result with the sentence the reply marks. */
export async function rankedResults(engine: Engine, questions: readonly string[], weights: RankingWeights): Promise<MarkedResult[][]> {
  const all: MarkedResult[][] = [];
  for (const question of questions) {
    const { results } = await engine.ask(question, { k: 10, weights });
    all.push(results.map((r) => ({ id: r.id, marked: r.summary.find((s) => s.matched)?.text ?? '' })));
  }
  return all;
}
