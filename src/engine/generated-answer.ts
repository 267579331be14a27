import { ANSWER_MAX_CHARS } from './answer.js';
import type { AskResult } from './results.js';

/**
 * The pure half of a generated answer: the prompt, built from the retrieved sentences only, and the
 * check of what the model wrote. The request itself is in generated-answer-client.ts.
 */

/** A result the model may cite as `[rank]`, with the sentences of it that were shown. */
export interface AnswerSource {
  rank: number;
  id: string;
  sentences: string[];
}

/** A short answer written by the user's own model, every sentence citing shown results as `[n]`. */
export interface GeneratedAnswer {
  /** Plain text, one paragraph, citations kept as `[n]` for the faces to link. */
  text: string;
  /** The cited results, in order of first citation, each once. */
  citations: { rank: number; id: string }[];
}

export type Verdict = { answer: GeneratedAnswer } | { answer: null; reason: string };

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** Longest reply accepted: the extractive answer's room, so either fits the same place in a reply. */
export const GENERATED_MAX_CHARS = ANSWER_MAX_CHARS;

/**
 * The sources of a generated answer: each shown result's summary sentences (its marked sentence and the
 * one beside it) with the extractive answer's sentence of it, numbered by the result's rank. None
 * without an extractive answer: no answer is generated where none is composed (low confidence, later pages).
 */
export function answerSources(result: Pick<AskResult, 'answer' | 'results'>): AnswerSource[] {
  if (!result.answer) return [];
  return result.results.map((hit) => {
    const quoted = result.answer!.sentences.filter((s) => s.rank === hit.rank).map((s) => s.text);
    return { rank: hit.rank, id: hit.id, sentences: [...new Set([...quoted, ...hit.summary.map((s) => s.text)])] };
  });
}

const SYSTEM_PROMPT = [
  'You answer questions about research papers using only the numbered sources given, never outside knowledge.',
  `Write one short paragraph of one to three sentences, under ${GENERATED_MAX_CHARS - 200} characters, in plain text without lists or headings.`,
  'End every sentence with the numbers of the sources that support it, in square brackets, such as [1] or [1, 2].',
  'Cite only the numbers given. If the sources do not answer the question, say so in one sentence without any citation.',
].join(' ');

/** The chat messages that ask for an answer: the rules, then the sources and the question. */
export function answerPrompt(question: string, sources: readonly AnswerSource[]): ChatMessage[] {
  const listed = sources.map((source) => `[${source.rank}] ${source.sentences.join(' ')}`).join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: `Sources:\n${listed}\n\nQuestion: ${question}` },
  ];
}

/** `[1]` or `[1, 3]`: one or more ranks in square brackets. Nothing else counts as a citation. */
const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
/**
 * Between two sentences: whitespace after `.`, `!` or `?` (and the citations that close that sentence),
 * before a capital, a digit or an opening quote or bracket. So "e.g. the" stays one sentence, and the
 * `[1]` of "scales. [1] Then" belongs to the sentence it follows.
 */
const SENTENCE_BREAK = /(?<=[.!?](?:\s*\[\d+(?:\s*,\s*\d+)*\])*)\s+(?=[\p{Lu}\d"“'(])/u;
/** A line that starts a list, a heading or a quote: the answer must be one paragraph. */
const NOT_PROSE = /^\s*([-*•>]|#+|\d+[.)])\s/m;
// Reasoning models (DeepSeek-R1, Qwen3 on Ollama) may think aloud first; only what follows is the answer.
const THINKING = /<think>[\s\S]*?<\/think>/gi;
// Control characters other than line breaks and tabs, and the replacement character of broken encoding.
const BROKEN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

const ranksIn = (text: string) => [...text.matchAll(CITATION)].flatMap((m) => m[1]!.split(',').map((n) => Number(n.trim())));

/** Splits an answer into its sentences, by SENTENCE_BREAK. */
export function answerSentences(text: string): string[] {
  return text.split(SENTENCE_BREAK).filter((s) => s.trim());
}

/**
 * Accepts what the model wrote only if it is one short paragraph of text in which every sentence
 * cites at least one shown result and nothing else. Dropped, with the reason: an empty reply, one longer
 * than GENERATED_MAX_CHARS, one that is not text (no word, control characters, broken encoding) or not
 * a paragraph (a list or heading), one that cites nothing, cites a rank not shown, or has a sentence
 * without a citation (a claim no source backs).
 */
export function checkGeneratedAnswer(reply: string, sources: readonly AnswerSource[]): Verdict {
  const written = reply.replace(THINKING, '').trim();
  const drop = (reason: string): Verdict => ({ answer: null, reason });
  if (!written) return drop('the reply is empty');
  if (BROKEN_TEXT.test(written) || !/\p{L}{2,}/u.test(written)) return drop('the reply is not text');
  if (NOT_PROSE.test(written)) return drop('the reply is a list or heading, not a paragraph');
  const text = written.replace(/\*\*|__/g, '').replace(/\s+/g, ' ');
  if (text.length > GENERATED_MAX_CHARS) return drop(`the reply is ${text.length} characters, more than ${GENERATED_MAX_CHARS}`);
  const ranks = ranksIn(text);
  if (!ranks.length) return drop('the reply cites no source');
  const byRank = new Map(sources.map((s) => [s.rank, s.id]));
  const unknown = [...new Set(ranks.filter((rank) => !byRank.has(rank)))];
  if (unknown.length) return drop(`the reply cites ${unknown.map((r) => `[${r}]`).join(', ')}, not among the sources shown`);
  const uncited = answerSentences(text).find((sentence) => !ranksIn(sentence).length);
  if (uncited) return drop(`a sentence cites no source: "${uncited.slice(0, 80)}"`);
  const citations = [...new Set(ranks)].map((rank) => ({ rank, id: byRank.get(rank)! }));
  return { answer: { text, citations } };
}

/**
 * The answer's text with every citation rewritten, one `cite(rank)` per rank (`[1, 2]` becomes
 * `cite(1)cite(2)`), and the prose between them by `prose` (to escape it, for one).
 */
export function rewriteCitations(text: string, cite: (rank: number) => string, prose: (text: string) => string = (t) => t): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    out += prose(text.slice(last, match.index)) + ranksIn(match[0]).map(cite).join('');
    last = match.index + match[0].length;
  }
  return out + prose(text.slice(last));
}
