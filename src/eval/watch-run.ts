import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WEIGHTS, semanticScore } from '../engine/rank.js';
import { TOPIC_THRESHOLD } from '../engine/topic-match.js';
import { parseDailyPapersFile } from '../papers/hf-daily.js';
import { dedupeSteps } from '../papers/merge.js';
import { runToEnd } from '../util/cooperative.js';
import { withoutModelText } from './hf-set.js';
import { fixed3, textTable } from './table.js';
import { bestThreshold, countMatches, precisionRecall, readWatchLabels, type MatchCounts } from './watch-set.js';
import { openSetEngine, type SetOptions } from './workspace.js';

interface SplitScores extends MatchCounts {
  precision: number;
  recall: number;
  f1: number;
}

export interface WatchReport {
  set: 'watch';
  model: string;
  topics: number;
  days: { tune: string[]; test: string[] };
  papers: number;
  createdAt: string;
  /** The product's threshold (TOPIC_THRESHOLD) and, per score, the one the tune days choose. */
  productThreshold: number;
  scores: Record<string, { chosen: number; tune: SplitScores; test: SplitScores; testAtProduct: SplitScores }>;
}

/** Topic watches on hand-labelled real days: precision and recall of matching, by the threshold the tune days choose. */
export async function runWatch(options: SetOptions & { labels: string }): Promise<WatchReport> {
  const days = readWatchLabels(options.labels);
  const topics = Object.keys(days[0]!.relevant);
  const parsed = days.flatMap((d) => {
    const file = `${d.day}.json`;
    return parseDailyPapersFile(readFileSync(join(options.realworld, 'hf-days', file), 'utf8'), `hf-days/${file}`).items;
  });
  const papers = runToEnd(dedupeSteps(parsed)).map(withoutModelText);
  const engine = await openSetEngine('watch', options.model, papers);
  try {
    type Pair = { score: number; relevant: boolean; split: 'tune' | 'test' };
    // The product's fused score, and the semantic part alone (what /ask's confidence is set on), compared.
    const variants = { fused: [] as Pair[], semantic: [] as Pair[] };
    for (const day of days) {
      const scored = await engine.scoreTopics(topics, day.papers);
      scored.forEach((matches, t) => {
        const relevant = new Set(day.relevant[topics[t]!]);
        for (const m of matches) {
          const base = { relevant: relevant.has(m.paperId), split: day.split };
          variants.fused.push({ ...base, score: m.strength });
          variants.semantic.push({ ...base, score: semanticScore(m.evidence, DEFAULT_WEIGHTS) });
        }
      });
    }
    const at = (pairs: Pair[], threshold: number) => {
      const counts = countMatches(pairs, threshold);
      return { ...counts, ...precisionRecall(counts) };
    };
    const scores: WatchReport['scores'] = {};
    for (const [name, pairs] of Object.entries(variants)) {
      const tune = pairs.filter((p) => p.split === 'tune');
      const test = pairs.filter((p) => p.split === 'test');
      const chosen = bestThreshold(tune);
      scores[name] = { chosen, tune: at(tune, chosen), test: at(test, chosen), testAtProduct: at(test, TOPIC_THRESHOLD) };
    }
    return {
      set: 'watch',
      model: engine.config.model.id,
      topics: topics.length,
      days: { tune: days.filter((d) => d.split === 'tune').map((d) => d.day), test: days.filter((d) => d.split === 'test').map((d) => d.day) },
      papers: engine.stats().papers,
      createdAt: new Date().toISOString(),
      productThreshold: TOPIC_THRESHOLD,
      scores,
    };
  } finally {
    await engine.close();
  }
}

export function watchTable(report: WatchReport): string {
  const pr = (s: SplitScores) => `${fixed3(s.precision)} / ${fixed3(s.recall)} (${s.truePositives} tp, ${s.falsePositives} fp, ${s.falseNegatives} fn)`;
  const rows = Object.entries(report.scores).map(([name, s]) => [name, s.chosen.toFixed(2), pr(s.tune), pr(s.test)]);
  return [
    `Topic watches, model ${report.model}: ${report.topics} topics over ${report.papers} papers of ${report.days.tune.length} tune and ${report.days.test.length} test days`,
    `(the product uses the fused score at ${report.productThreshold}: test ${pr(report.scores.fused!.testAtProduct)})`,
    '',
    textTable(['score', 'threshold (tune)', 'tune precision / recall', 'test precision / recall'], rows),
  ].join('\n');
}
