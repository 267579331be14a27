import type { GeneratedAnswer } from '../../engine/generated-answer.js';
import type { AnswerSentence, AskResult } from '../../engine/results.js';

/**
 * The public `--json` schema of `ask`: documented in the README, so fields are only ever added.
 * `summary` is plain text; `matched` is the sentence of it that best answers the question. `answer`
 * is present only when one was composed (first page, not `lowConfidence`); `generatedAnswer` only
 * when the user's own model (ANSWER_LLM_URL) wrote one that passed every check.
 */
export interface AskJson {
  query: string;
  tookMs: number;
  lowConfidence: boolean;
  results: { rank: number; id: string; title: string; url: string; score: number; summary: string; matched: string }[];
  answer?: { sentences: AnswerSentence[] };
  generatedAnswer?: GeneratedAnswer;
}

export function askJson(result: AskResult, generated?: GeneratedAnswer): AskJson {
  return {
    query: result.query,
    tookMs: result.tookMs,
    lowConfidence: result.lowConfidence,
    results: result.results.map((hit) => ({
      rank: hit.rank,
      id: hit.id,
      title: hit.title,
      url: hit.url,
      score: Math.round(hit.score * 1000) / 1000,
      summary: hit.summary.map((s) => s.text).join(' '),
      matched: hit.summary.find((s) => s.matched)?.text ?? '',
    })),
    ...(result.answer && { answer: { sentences: result.answer.sentences.map(({ text, rank, id }) => ({ text, rank, id })) } }),
    ...(generated && { generatedAnswer: { text: generated.text, citations: generated.citations.map(({ rank, id }) => ({ rank, id })) } }),
  };
}
