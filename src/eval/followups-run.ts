import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadEngineConfig } from '../config.js';
import { Engine, type AskOptions } from '../engine/engine.js';
import { FOLLOW_UP_WEIGHT } from '../engine/follow-up.js';
import { createLogger } from '../log.js';
import { describeZodError } from '../util/zod-issues.js';
import { firstHit, retrievalScores, type RetrievalScores } from './metrics.js';
import { fixed3, textTable } from './table.js';
import { evalEngineConfig, modelSlug } from './workspace.js';

/** A follow-up and the question it follows, with the papers that answer the two together. */
export interface FollowUpPair {
  first: string;
  followUp: string;
  expected: string[];
}

const pairSchema = z.object({ first: z.string().min(1), followUp: z.string().min(1), expected: z.array(z.string()).min(1) });

export function readPairs(path: string): FollowUpPair[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const parsed = pairSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}, line ${i + 1}: ${describeZodError(parsed.error)}`);
      return parsed.data;
    });
}

export interface FollowUpsReport {
  set: 'followups';
  model: string;
  pairs: number;
  createdAt: string;
  /** The default follow-up weight the "in context" row uses. */
  weight: number;
  variants: Record<string, RetrievalScores>;
}

/** How each variant asks a pair: the question searched, and in what context. */
const ASKED: Record<string, (p: FollowUpPair) => [string, AskOptions]> = {
  'follow-up in context': (p) => [p.followUp, { context: [p.first] }],
  'follow-up alone': (p) => [p.followUp, {}],
  'first question alone': (p) => [p.first, {}],
  'both as one question': (p) => [`${p.first} ${p.followUp}`, {}],
};
// Other follow-up weights, reported beside the default for information; the default was fixed before measuring.
const OTHER_WEIGHTS = [0.5, 0.7, 0.8];

/** The follow-up set over the bundled seed: hit@1, hit@3 and MRR of each way of asking a follow-up. */
export async function runFollowUps(opts: { model: string; followups: string }): Promise<FollowUpsReport> {
  const config = evalEngineConfig(opts.model, join(loadEngineConfig().dataDir, 'eval', modelSlug(opts.model)));
  const engine = await Engine.open(config, { log: createLogger({ level: 'warn' }) });
  const pairs = readPairs(resolve(opts.followups));
  const asked = { ...ASKED };
  for (const weight of OTHER_WEIGHTS) asked[`in context, weight ${weight}`] = (p) => [p.followUp, { context: [p.first], followUpWeight: weight }];
  const variants: Record<string, RetrievalScores> = {};
  try {
    for (const [name, ask] of Object.entries(asked)) {
      const ranks: number[] = [];
      for (const pair of pairs) {
        const [question, options] = ask(pair);
        const result = await engine.ask(question, { ...options, k: 10 });
        ranks.push(firstHit(result.results.map((r) => r.id), pair.expected));
      }
      variants[name] = retrievalScores(ranks);
    }
  } finally {
    await engine.close();
  }
  return { set: 'followups', model: config.model.id, pairs: pairs.length, createdAt: new Date().toISOString(), weight: FOLLOW_UP_WEIGHT, variants };
}

export function followUpsTable(report: FollowUpsReport): string {
  const rows = Object.entries(report.variants).map(([name, s]) => [name, fixed3(s.hitAt1), fixed3(s.hitAt3), fixed3(s.mrr)]);
  return [
    `Model ${report.model}: ${report.pairs} follow-ups over the seed (in context: follow-up weight ${report.weight})`,
    '',
    textTable(['asked as', 'hit@1', 'hit@3', 'MRR@10'], rows),
  ].join('\n');
}
