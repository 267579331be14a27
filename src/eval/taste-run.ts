import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { loadEngineConfig } from '../config.js';
import { loadEmbedder } from '../engine/engine.js';
import { recommendPapers, type TasteCorpus } from '../engine/recommend.js';
import type { TasteMethod } from '../engine/taste.js';
import { EmbeddingCache, textHash } from '../index/embedding-cache.js';
import { paperPassage, type Paper } from '../papers/paper.js';
import { readHfDays } from './hf-set.js';
import { mean } from './ranking-metrics.js';
import { fixed3, textTable } from './table.js';
import { evalEngineConfig, modelSlug, type SetOptions } from './workspace.js';

/**
 * Taste learned from votes, on the real days: a simulated member upvotes, on the earlier days, the
 * papers that match a hidden interest (a keyword pattern the models never see; they see only
 * embeddings), missing some and adding noise. On each later week, /recommend's top 10 is scored
 * against that interest, beside the day's ranking by Hugging Face upvotes.
 *
 * /recommend's own ranking (recommendPapers) runs over the papers' vectors, embedded as the index
 * embeds them (`title. abstract`, one at a time) and cached in `data/eval/taste-<model>/`; the
 * sentence vectors an index also needs are skipped, which keeps a run to minutes.
 */
export const INTERESTS: Record<string, RegExp> = {
  speech: /\b(speech|spoken|asr|text-to-speech|tts|voice)\b/i,
  robotics: /\b(robots?|robotic|manipulation|embodied)\b/i,
  'video generation': /\b(video generation|video diffusion|text-to-video|video synthesis)\b/i,
  '3D': /\b(3d|gaussian splatting|nerf|point clouds?)\b/i,
  math: /\b(math|mathematical|theorem|olympiad)\b/i,
  'code generation': /\b(code generation|coding|program synthesis|software engineering)\b/i,
  medicine: /\b(medical|clinical|biomedical|patients?|radiology)\b/i,
  'GUI agents': /\b(gui|web agents?|computer use|web navigation)\b/i,
  'reinforcement learning': /\b(reinforcement learning|rlhf|grpo|policy optimization)\b/i,
  multilingual: /\b(multilingual|low-resource languages?|machine translation)\b/i,
  safety: /\b(jailbreaks?|red[- ]teaming|harmful|unsafe)\b/i,
  'image editing': /\bimage edit(ing|s)?\b/i,
};

/** The simulated member: finds 70% of the matching papers, and upvotes 1% of the others by whim. */
const HIT_RATE = 0.7;
const NOISE_RATE = 0.01;
const SEEDS = [1, 2, 3];
/** The earlier share of the days is voted on; the later weeks are recommended from. */
const TRAIN_SHARE = 2 / 3;
const WINDOW_DAYS = 5;
const K = 10;
const METHODS: TasteMethod[] = ['logistic', 'rocchio'];

export interface TasteRow {
  interest: string;
  /** Mean votes cast on the earlier days, over the seeds. */
  votes: number;
  /** Windows scored (with at least one matching paper), over the seeds. */
  windows: number;
  precision: Record<TasteMethod | 'upvotes' | 'ideal', number>;
}

export interface TasteReport {
  set: 'taste';
  model: string;
  days: { train: [string, string]; test: [string, string] };
  papers: number;
  createdAt: string;
  settings: { hitRate: number; noiseRate: number; seeds: number[]; windowDays: number; k: number };
  rows: TasteRow[];
  mean: TasteRow['precision'];
}

/** A fixed draw in [0, 1) per (seed, interest, paper): the same votes in every run. */
function draw(seed: number, interest: string, id: string): number {
  return createHash('sha1').update(`${seed}\0${interest}\0${id}`).digest().readUInt32BE(0) / 2 ** 32;
}

const matches = (paper: Paper, pattern: RegExp) => pattern.test(`${paper.title} ${paper.abstract}`);

function listedOn(papers: readonly Paper[], days: readonly string[]): Paper[] {
  const wanted = new Set(days);
  return papers.filter((p) => p.listings?.some((l) => wanted.has(l.date)));
}

/** Precision@10 of a ranking against the interest. */
const precisionAt = (ranked: readonly Paper[], pattern: RegExp) => ranked.slice(0, K).filter((p) => matches(p, pattern)).length / K;

export async function runTaste(options: SetOptions & { days: number }): Promise<TasteReport> {
  const all = readHfDays(join(options.realworld, 'hf-days'));
  const allDays = [...new Set(all.flatMap((p) => p.listings?.map((l) => l.date) ?? []))].sort();
  const days = allDays.slice(-options.days);
  const papers = listedOn(all, days);
  const byId = new Map(papers.map((p) => [p.id, p]));
  const split = Math.round(days.length * TRAIN_SHARE);
  const trainDays = days.slice(0, split);
  const testDays = days.slice(split);
  const windows = Array.from({ length: Math.floor(testDays.length / WINDOW_DAYS) }, (_, i) => testDays.slice(i * WINDOW_DAYS, (i + 1) * WINDOW_DAYS));
  const vectors = await paperVectors(papers, options.model);
  const corpus = corpusOf(papers, vectors);
  const rows = Object.entries(INTERESTS).map(([interest, pattern]) => scoreInterest(corpus, interest, pattern, listedOn(papers, trainDays), windows, papers, byId));
  const precision = Object.fromEntries((['logistic', 'rocchio', 'upvotes', 'ideal'] as const).map((m) => [m, mean(rows.map((r) => r.precision[m]))])) as TasteRow['precision'];
  return {
    set: 'taste',
    model: evalEngineConfig(options.model, vectorsDir(options.model)).model.id,
    days: { train: [trainDays[0]!, trainDays.at(-1)!], test: [testDays[0]!, testDays.at(-1)!] },
    papers: papers.length,
    createdAt: new Date().toISOString(),
    settings: { hitRate: HIT_RATE, noiseRate: NOISE_RATE, seeds: SEEDS, windowDays: WINDOW_DAYS, k: K },
    rows,
    mean: precision,
  };
}

const vectorsDir = (model: string) => join(loadEngineConfig().dataDir, 'eval', `taste-${modelSlug(model)}`);

/** Each paper's vector, from the set's cache or embedded now (with a progress line each tenth). */
async function paperVectors(papers: readonly Paper[], model: string): Promise<Map<string, Float32Array>> {
  const config = evalEngineConfig(model, vectorsDir(model));
  const embedder = await loadEmbedder(config);
  const cache = EmbeddingCache.open(join(config.dataDir, 'vectors'), embedder.dimension);
  try {
    const key = (p: Paper) => textHash(`${config.model.id}\0${config.dtype}\0${paperPassage(p)}`);
    const missing = papers.filter((p) => !cache.has(key(p)));
    let shown = -1;
    const embedded = await embedder.embedPassages(missing.map(paperPassage), (done, total) => {
      const tenth = Math.floor((10 * done) / total);
      if (tenth !== shown) process.stderr.write(`taste: embedding ${done}/${total} papers\n`);
      shown = tenth;
    });
    await cache.add(new Map(missing.map((p, i) => [key(p), embedded[i]!])));
    return new Map(papers.map((p) => [p.id, cache.get(key(p))!]));
  } finally {
    cache.close();
    await embedder.dispose();
  }
}

/** The papers as /recommend sees the index: vectors by id and the days' lists. */
function corpusOf(papers: readonly Paper[], vectors: ReadonlyMap<string, Float32Array>): TasteCorpus {
  const byDay = new Map<string, string[]>();
  for (const p of papers) for (const { date } of p.listings ?? []) byDay.set(date, [...(byDay.get(date) ?? []), p.id]);
  const byId = new Map(papers.map((p) => [p.id, p]));
  return {
    vector: (id) => vectors.get(id),
    listedOn: (date) => byDay.get(date) ?? [],
    listingDates: (id) => byId.get(id)?.listings?.map((l) => l.date) ?? [],
    days: [...byDay.keys()].sort(),
  };
}

function scoreInterest(
  corpus: TasteCorpus,
  interest: string,
  pattern: RegExp,
  trainPapers: readonly Paper[],
  windows: readonly string[][],
  papers: readonly Paper[],
  byId: ReadonlyMap<string, Paper>,
): TasteRow {
  const scores: Record<keyof TasteRow['precision'], number[]> = { logistic: [], rocchio: [], upvotes: [], ideal: [] };
  const votes: number[] = [];
  for (const seed of SEEDS) {
    const liked = trainPapers.filter((p) => draw(seed, interest, p.id) < (matches(p, pattern) ? HIT_RATE : NOISE_RATE)).map((p) => p.id);
    votes.push(liked.length);
    const likedSet = new Set(liked);
    for (const window of windows) {
      const candidates = listedOn(papers, window).filter((p) => !likedSet.has(p.id));
      const relevant = candidates.filter((p) => matches(p, pattern)).length;
      if (!relevant) continue;
      const span = (Date.parse(window.at(-1)!) - Date.parse(window[0]!)) / 86_400_000 + 1;
      for (const method of METHODS) {
        const recommended = recommendPapers(liked, corpus, { k: K, days: span, until: window.at(-1)!, method });
        scores[method].push(precisionAt(recommended.map((r) => byId.get(r.id)!), pattern));
      }
      scores.upvotes.push(precisionAt([...candidates].sort((a, b) => (b.upvotes ?? 0) - (a.upvotes ?? 0)), pattern));
      scores.ideal.push(Math.min(K, relevant) / K);
    }
  }
  return {
    interest,
    votes: mean(votes),
    windows: scores.ideal.length,
    precision: { logistic: mean(scores.logistic), rocchio: mean(scores.rocchio), upvotes: mean(scores.upvotes), ideal: mean(scores.ideal) },
  };
}

export function tasteTable(report: TasteReport): string {
  const rows = [...report.rows, { interest: 'mean', votes: mean(report.rows.map((r) => r.votes)), windows: report.rows.reduce((s, r) => s + r.windows, 0), precision: report.mean }].map((r) => [
    r.interest,
    r.votes.toFixed(1),
    String(r.windows),
    fixed3(r.precision.logistic),
    fixed3(r.precision.rocchio),
    fixed3(r.precision.upvotes),
    fixed3(r.precision.ideal),
  ]);
  return [
    `Taste from votes, model ${report.model}: votes on ${report.days.train.join('…')}, /recommend on each ${report.settings.windowDays}-day window of ${report.days.test.join('…')} (${report.papers} papers)`,
    `simulated member: upvotes ${report.settings.hitRate * 100}% of the papers matching a hidden interest and ${report.settings.noiseRate * 100}% of the others; seeds ${report.settings.seeds.join(', ')}`,
    '',
    textTable(['interest', 'votes', 'windows', 'P@10 logistic', 'P@10 Rocchio', 'P@10 upvotes', 'P@10 ideal'], rows),
  ].join('\n');
}
