import { join } from 'node:path';
import { modelFingerprint } from '../engine/build-from-sources.js';
import { abstractSignals, MARK_FEATURES, MARK_WEIGHTS, matchSentences, type MarkWeights } from '../engine/excerpt.js';
import { cleanQuestion } from '../engine/question.js';
import { indexDirIn, loadGeneration } from '../index/generation.js';
import { fitConditionalLogit, topPrecision, type LogitGroup } from './conditional-logit.js';
import { isRationale } from './rationale.js';
import { limitSciFact, QUALITY_CLAIMS, readSciFact } from './scifact.js';
import { fixed3, textTable } from './table.js';
import { openSetEngine, type SetOptions } from './workspace.js';

/** A group of one claim: the claim it came from, for folds that keep a claim's abstracts together. */
export interface ClaimGroup extends LogitGroup {
  claim: number;
}

/**
 * Each (train claim, evidence abstract) pair of SciFact train, the quality tests' claims left out: the
 * abstract's sentences that could be marked (empty ones never are), their signals as the reply
 * computes them, and which are annotated rationales. Abstracts without a markable rationale are skipped.
 */
export async function markGroups(options: SetOptions): Promise<{ model: string; groups: ClaimGroup[] }> {
  const train = readSciFact(join(options.realworld, 'scifact'), 'train');
  const data = limitSciFact({ ...train, claims: train.claims.slice(QUALITY_CLAIMS) }, { docs: options.limitDocs, claims: options.limitQueries });
  const engine = await openSetEngine('scifact', options.model, data.papers);
  const { config } = engine;
  const snap = await loadGeneration(indexDirIn(config.dataDir), modelFingerprint(config, engine.embedder.dimension), config.hnsw.efSearch);
  const groups: ClaimGroup[] = [];
  try {
    for (const [claim, c] of data.claims.entries()) {
      const text = cleanQuestion(c.text).text;
      const query = await engine.embedder.embedQuery(text);
      const question = snap.bm25.termWeights(text);
      for (const [id, rationales] of c.rationales) {
        const label = snap.labelById.get(id);
        if (label === undefined) continue;
        const abstract = snap.paper(label).abstract;
        const vectors = snap.sentences.get(label);
        const texts = vectors.spans.map((s) => abstract.slice(s.start, s.end));
        const signals = abstractSignals(texts, matchSentences(query, vectors), question);
        const kept = signals.map((s, i) => ({ s, positive: isRationale(texts[i]!, rationales) })).filter((x) => !x.s.empty);
        if (!kept.some((x) => x.positive) || kept.every((x) => x.positive)) continue;
        groups.push({ claim, features: kept.map((x) => MARK_FEATURES.map((f) => x.s[f])), positive: kept.map((x) => x.positive) });
      }
    }
  } finally {
    snap.close();
    await engine.close();
  }
  return { model: config.model.id, groups };
}

const FOLDS = 5;
// Enough Adam steps for the held-out precision to settle (it moves by under 0.005 past this).
const STEPS = 800;
const L2_GRID = [0, 0.001, 0.01, 0.1];

const linear = (weights: readonly number[]) => (x: readonly number[]) => x.reduce((sum, v, i) => sum + v * weights[i]!, 0);

/** Mean held-out top precision over folds by claim, fitting on the features whose mask is set. */
function crossValidated(groups: readonly ClaimGroup[], mask: readonly boolean[], l2: number): number {
  const masked = groups.map((g) => ({ ...g, features: g.features.map((x) => x.filter((_, k) => mask[k])) }));
  let sum = 0;
  for (let fold = 0; fold < FOLDS; fold++) {
    const fit = fitConditionalLogit(masked.filter((g) => g.claim % FOLDS !== fold), { l2, steps: STEPS });
    sum += topPrecision(masked.filter((g) => g.claim % FOLDS === fold), linear(fit.weights));
  }
  return sum / FOLDS;
}

export interface MarkFitReport {
  set: 'mark-fit';
  model: string;
  createdAt: string;
  groups: number;
  /** Top precision of the weights in the product now, on every group. */
  current: number;
  /** Cross-validated top precision per L2 penalty, all features. */
  byL2: { l2: number; precision: number }[];
  /** Cross-validated precision with each feature left out, at the chosen penalty. */
  without: { feature: string; precision: number }[];
  l2: number;
  /** The fit on every group at the chosen penalty, rescaled so that the similarities (dense, distinct) weigh 1 together. */
  weights: MarkWeights;
  /** Its top precision on the groups it was fit on. */
  fitted: number;
}

/** Fits the marked-sentence weights on SciFact train (see markGroups); the penalty is chosen by cross-validation there. */
export async function fitMark(options: SetOptions): Promise<MarkFitReport> {
  const { model, groups } = await markGroups(options);
  const all = MARK_FEATURES.map(() => true);
  const byL2 = L2_GRID.map((l2) => ({ l2, precision: crossValidated(groups, all, l2) }));
  const { l2 } = byL2.reduce((a, b) => (b.precision > a.precision ? b : a));
  const without = MARK_FEATURES.map((feature, k) => ({ feature, precision: crossValidated(groups, all.map((_, j) => j !== k), l2) }));
  const fit = fitConditionalLogit(groups, { l2, steps: STEPS });
  // In the units of similarity: the two similarities weigh 1 together, as `dense` alone did before.
  const scale = fit.weights[MARK_FEATURES.indexOf('dense')]! + fit.weights[MARK_FEATURES.indexOf('distinct')]!;
  const weights = Object.fromEntries(MARK_FEATURES.map((f, k) => [f, fit.weights[k]! / scale])) as MarkWeights;
  return {
    set: 'mark-fit',
    model,
    createdAt: new Date().toISOString(),
    groups: groups.length,
    current: topPrecision(groups, linear(MARK_FEATURES.map((f) => MARK_WEIGHTS[f]))),
    byL2,
    without,
    l2,
    weights,
    fitted: topPrecision(groups, linear(fit.weights)),
  };
}

export function markFitTable(report: MarkFitReport): string {
  return [
    `Marked sentence on SciFact train (${report.groups} claim–evidence abstracts, the quality tests' claims left out): share whose top sentence is a rationale`,
    `weights in the product now: ${fixed3(report.current)}; fit on all (L2 ${report.l2}): ${fixed3(report.fitted)}`,
    '',
    textTable(['L2', `${FOLDS}-fold precision`], report.byL2.map((r) => [String(r.l2), fixed3(r.precision)])),
    '',
    textTable(['left out', `${FOLDS}-fold precision`], report.without.map((r) => [r.feature, fixed3(r.precision)])),
    '',
    'weights (dense + distinct = 1):',
    textTable(['feature', 'weight'], Object.entries(report.weights).map(([f, w]) => [f, w.toFixed(3)])),
  ].join('\n');
}
