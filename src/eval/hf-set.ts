import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDailyPapersFile } from '../papers/hf-daily.js';
import { dedupeSteps } from '../papers/merge.js';
import type { Paper } from '../papers/paper.js';
import { runToEnd } from '../util/cooperative.js';
import type { EvalQuestion } from './metrics.js';

/** Known-item search: each question is a paper's own Hugging Face `ai_summary`, the paper is its answer. */
export interface KnownItemSet {
  papers: Paper[];
  questions: EvalQuestion[];
}

/**
 * A paper as it is indexed for the hf set: without Hugging Face's model-written text, which would
 * leak the question into the index. (`ai_keywords` never reaches a Paper: the daily-papers parser
 * does not keep it.)
 */
export function withoutModelText(paper: Paper): Paper {
  const { aiSummary: _summary, ...rest } = paper;
  return rest;
}

/** Papers from saved daily-papers responses (deduplicated as the index does) into a known-item set. */
export function knownItemSet(papers: readonly Paper[]): KnownItemSet {
  return {
    papers: papers.map(withoutModelText),
    questions: papers.flatMap((p) => (p.aiSummary ? [{ question: p.aiSummary, expected: [p.id] }] : [])),
  };
}

/** Every `*.json` day in `dir`, parsed and deduplicated; bad items are skipped as the index skips them. */
export function readHfDays(dir: string): Paper[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  const parsed = files.flatMap((name) => parseDailyPapersFile(readFileSync(join(dir, name), 'utf8'), `hf-days/${name}`).items);
  return runToEnd(dedupeSteps(parsed));
}

/** The first `docs` papers, and the questions with an answer among them (at most `questions`). */
export function limitKnownItems(set: KnownItemSet, limits: { docs?: number; questions?: number }): KnownItemSet {
  const papers = limits.docs === undefined ? set.papers : set.papers.slice(0, limits.docs);
  const kept = new Set(papers.map((p) => p.id));
  const questions = set.questions.filter((q) => q.expected.some((id) => kept.has(id)));
  return { papers, questions: limits.questions === undefined ? questions : questions.slice(0, limits.questions) };
}
