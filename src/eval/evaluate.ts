import type { Engine } from '../engine/engine.js';
import type { RankingWeights } from '../engine/rank.js';
import { firstHit, type EvalQuestion } from './metrics.js';

/** The rank of each question's first expected paper, with the engine's weights unless others are given. */
export async function rankOf(engine: Engine, questions: readonly EvalQuestion[], weights?: RankingWeights): Promise<number[]> {
  const ranks: number[] = [];
  for (const q of questions) {
    const result = await engine.ask(q.question, { k: 10, weights });
    ranks.push(firstHit(result.results.map((r) => r.id), q.expected));
  }
  return ranks;
}

export async function confidences(engine: Engine, questions: readonly string[]): Promise<number[]> {
  const values: number[] = [];
  for (const question of questions) {
    const result = await engine.ask(question, { k: 1 });
    values.push(result.confidence);
  }
  return values;
}
