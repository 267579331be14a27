import { rewriteCitations, type GeneratedAnswer } from '../../engine/generated-answer.js';
import type { AskHit } from '../../engine/results.js';
import { link } from './payload.js';
import { escapeMarkdown } from './text.js';

const GENERATED_PREFIX = '🤖 ';
const GENERATED_NOTE = '-# Written by a language model from the sentences it cites; the papers below are its sources.';

/** A citation as the reply shows it: `[1]`, linked to the cited paper without a preview. */
export function citationLink(rank: number, url: string): string {
  return `\\[${link(String(rank), url, { preview: false })}\\]`;
}

/**
 * The generated answer in place of the extractive one, its citations linked, and a note that a model
 * wrote it. Undefined, so that the extractive answer stays, if it cites a paper not shown or does not
 * fit in `room` characters: it is never cut, as a cut answer could lose a citation.
 */
export function generatedAnswerLines(answer: GeneratedAnswer, hits: readonly AskHit[], room: number): string | undefined {
  const urls = new Map(hits.map((hit) => [hit.rank, hit]));
  if (!answer.citations.every((c) => urls.get(c.rank)?.id === c.id)) return undefined;
  const text = rewriteCitations(answer.text, (rank) => citationLink(rank, urls.get(rank)!.url), escapeMarkdown);
  const lines = `${GENERATED_PREFIX}${text}\n${GENERATED_NOTE}`;
  return lines.length <= room ? lines : undefined;
}
