import type { PaperLinks } from '../papers/paper.js';
import type { ExcerptSentence } from './excerpt.js';

/** What every face shows of a paper. */
export interface PaperCard {
  id: string;
  title: string;
  url: string;
  links: PaperLinks;
  authors?: string[];
  /** Best-known date, YYYY-MM-DD. */
  date?: string;
  upvotes?: number;
}

export interface AskHit extends PaperCard {
  rank: number;
  /**
   * Estimated chance that the paper is relevant to the question, 0..1 (never 1): calibrated on judged
   * eval questions, so it compares across results and questions (src/engine/relevance.ts).
   */
  score: number;
  /** One or two sentences of the abstract that answer the question, best one marked. */
  summary: ExcerptSentence[];
}

/** A sentence of the answer, verbatim from the abstract of the result it cites. */
export interface AnswerSentence {
  text: string;
  /** The cited result's rank, on the page shown. */
  rank: number;
  /** The cited result's paper id. */
  id: string;
}

/** One to three sentences, from the top results, that answer the question together. */
export interface Answer {
  sentences: AnswerSentence[];
}

export interface AskResult {
  query: string;
  /** The earlier questions this one follows up, first question first; absent for a first question. */
  context?: string[];
  /** True when the question was cut to the length limit. */
  truncated: boolean;
  tookMs: number;
  /** Where the time went: embedding the question, BM25's top documents, vector search with sentences and fusion, summaries. */
  timings: { embedMs: number; lexicalMs: number; searchMs: number; summaryMs: number };
  /** Semantic strength of the best match, 0..1; below the calibrated threshold it is `lowConfidence`. */
  confidence: number;
  /** True when even the best match is weak: the results are shown as leads, not answers. */
  lowConfidence: boolean;
  /** Papers searched. */
  searched: number;
  offset: number;
  /** Whether more results follow this page. */
  hasMore: boolean;
  results: AskHit[];
  /** Composed from the first page only, and never when `lowConfidence`. */
  answer?: Answer;
}

export interface SimilarHit extends PaperCard {
  rank: number;
  similarity: number;
  tldr: string;
}

export interface PaperDetail extends PaperCard {
  abstract: string;
  tldr: string;
  listings: { date: string; rank: number }[];
  similar: SimilarHit[];
}

/** A question answered inside one paper: its sentences that answer, the best one marked. */
export interface InPaperAnswer {
  question: string;
  /** True when the question was cut to the length limit. */
  truncated: boolean;
  /** One or two sentences of the abstract, in abstract order. */
  sentences: ExcerptSentence[];
}

export interface PaperAnswer extends PaperDetail {
  answer: InPaperAnswer;
}

export interface TrendingItem extends PaperCard {
  rank: number;
  tldr: string;
}

export interface TrendingResult {
  /** The day shown, or undefined when no paper has a listing date. */
  date?: string;
  /** Every day with a list, newest first. */
  days: string[];
  total: number;
  offset: number;
  items: TrendingItem[];
}

export interface Suggestion {
  id: string;
  title: string;
}

export interface Recommendation extends PaperCard {
  rank: number;
  tldr: string;
  /** To the voter's taste; only the order matters. */
  score: number;
  /** The liked paper it is most like: "like «X», which you upvoted". */
  like: { id: string; title: string };
}
