import { splitSentences } from '../text/sentences.js';
import { terms } from '../text/terms.js';
import { words } from '../text/words.js';

const normalized = (text: string) => ` ${words(text).join(' ')} `;

/**
 * Whether a shown sentence is one of the annotated rationale sentences, compared as normalized words
 * (case, accents and punctuation ignored). paperscout splits abstracts into sentences itself, and
 * its boundaries can differ from SciFact's, so a sentence also counts when it contains a rationale
 * sentence whole, or lies whole inside one.
 */
export function isRationale(sentence: string, rationales: readonly string[]): boolean {
  const shown = normalized(sentence);
  if (!shown.trim()) return false;
  return rationales.some((r) => {
    const rationale = normalized(r);
    return rationale.trim() !== '' && (shown.includes(rationale) || rationale.includes(shown));
  });
}

/** The abstract's sentences, split as the index splits them. */
export function abstractSentences(abstract: string): string[] {
  return splitSentences(abstract).map((s) => abstract.slice(s.start, s.end));
}

/** Baseline: the abstract's first sentence. */
export function firstSentence(_question: string, abstract: string): string {
  return abstractSentences(abstract)[0] ?? abstract;
}

/** Baseline: the sentence sharing the most distinct search terms with the question (the earliest among equals). */
export function mostQuestionWords(question: string, abstract: string): string {
  const asked = new Set(terms(question));
  let best = '';
  let bestCount = -1;
  for (const sentence of abstractSentences(abstract)) {
    const count = new Set(terms(sentence).filter((t) => asked.has(t))).size;
    if (count > bestCount) {
      best = sentence;
      bestCount = count;
    }
  }
  return best || abstract;
}

/** One ranked result as rationale precision sees it: its id and the sentence the reply marks. */
export interface MarkedResult {
  id: string;
  marked: string;
}

/** A claim's ranked results with what is needed to judge their sentences. */
export interface RationaleCase {
  question: string;
  results: readonly MarkedResult[];
  /** Annotated rationale sentences per evidence doc id. */
  rationales: ReadonlyMap<string, readonly string[]>;
}

export interface RationalePrecision {
  /** The marked sentence. */
  marked: number;
  /** Baseline: the sentence with the most question words. */
  mostQuestionWords: number;
  /** Baseline: the first sentence. */
  firstSentence: number;
  /** Claims judged: those whose top result is an evidence doc. */
  judged: number;
}

/**
 * Rationale precision: over the claims whose top-ranked result is a doc with annotated rationale
 * sentences for that claim, the share where the sentence chosen in that result is a rationale
 * sentence (see isRationale). `abstractOf` gives a doc's abstract, for the baselines.
 */
export function rationalePrecision(cases: readonly RationaleCase[], abstractOf: (id: string) => string): RationalePrecision {
  let judged = 0;
  const hits = { marked: 0, mostQuestionWords: 0, firstSentence: 0 };
  for (const c of cases) {
    const top = c.results[0];
    const rationales = top && c.rationales.get(top.id);
    if (!top || !rationales?.length) continue;
    judged++;
    const abstract = abstractOf(top.id);
    if (isRationale(top.marked, rationales)) hits.marked++;
    if (isRationale(mostQuestionWords(c.question, abstract), rationales)) hits.mostQuestionWords++;
    if (isRationale(firstSentence(c.question, abstract), rationales)) hits.firstSentence++;
  }
  const share = (n: number) => (judged ? n / judged : 0);
  return { marked: share(hits.marked), mostQuestionWords: share(hits.mostQuestionWords), firstSentence: share(hits.firstSentence), judged };
}
