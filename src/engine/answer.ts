import { terms } from '../text/terms.js';
import type { Answer, AnswerSentence, AskResult } from './results.js';

/** Results whose sentences may be cited: the top of the first page. */
const ANSWER_DEPTH = 3;
/** A sentence beyond the first must share at least this share of the question's terms. */
const MIN_COVERAGE = 0.5;
/** A sentence whose terms overlap a chosen one's this much (Jaccard) says nothing new. */
const MAX_OVERLAP = 0.5;
/** Room for the whole answer, well within an embed description or a message beside the question. */
export const ANSWER_MAX_CHARS = 700;

type Page = Pick<AskResult, 'query' | 'lowConfidence' | 'offset' | 'results'>;

const termSet = (text: string) => new Set(terms(text));

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const shared = [...a].filter((t) => b.has(t)).length;
  const union = a.size + b.size - shared;
  return union ? shared / union : 0;
}

function coverage(question: ReadonlySet<string>, sentence: ReadonlySet<string>): number {
  return question.size ? [...question].filter((t) => sentence.has(t)).length / question.size : 0;
}

/**
 * An extractive answer: the marked sentence of the first result, then the marked sentences of the
 * next results that share enough of the question's terms and repeat nothing already chosen, while the
 * answer stays short. Undefined when the match is weak (nothing answers well), on later pages (the
 * answer belongs to the top results) or when there are no results.
 */
export function composeAnswer(page: Page): Answer | undefined {
  if (page.lowConfidence || page.offset > 0) return undefined;
  const question = termSet(page.query);
  const chosen: { sentence: AnswerSentence; terms: Set<string> }[] = [];
  let length = 0;
  for (const hit of page.results.slice(0, ANSWER_DEPTH)) {
    const marked = hit.summary.find((s) => s.matched) ?? hit.summary[0];
    if (!marked) continue;
    const sentenceTerms = termSet(marked.text);
    if (chosen.length) {
      const relevant = coverage(question, sentenceTerms) >= MIN_COVERAGE;
      const novel = chosen.every((c) => overlap(c.terms, sentenceTerms) < MAX_OVERLAP);
      if (!relevant || !novel || length + marked.text.length > ANSWER_MAX_CHARS) continue;
    }
    chosen.push({ sentence: { text: marked.text, rank: hit.rank, id: hit.id }, terms: sentenceTerms });
    length += marked.text.length;
  }
  return chosen.length ? { sentences: chosen.map((c) => c.sentence) } : undefined;
}
