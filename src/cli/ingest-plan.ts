import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { normalizeTitle, type Paper } from '../papers/paper.js';
import type { SourceKind } from '../papers/sources.js';

/**
 * The stored copy's name: the source's own name, plus a short hash of its resolved path and kind.
 * Re-ingesting a file replaces its own copy; another file of the same name (or the same date in
 * another format) gets one of its own, so one ingest never overwrites what another stored.
 */
export function storedName(resolvedPath: string, kind: SourceKind): string {
  const hash = createHash('sha256').update(`${resolvedPath}\n${kind}`).digest('hex').slice(0, 8);
  return `${basename(resolvedPath).replace(/\.[^.]+$/, '')}-${hash}.jsonl`;
}

/** What the live index holds, as far as an ingest needs to know: each paper's text hash, by id and by title. */
export interface LiveIndex {
  textById: ReadonlyMap<string, string>;
  idByTitle: ReadonlyMap<string, string>;
}

export interface IngestPlan {
  file: string;
  target: string;
  papers: number;
  /** Not in the index yet. */
  added: number;
  /** In the index with another text: re-embedded. */
  updated: number;
  /** In the index with this text already (details such as upvotes may still refresh). */
  kept: number;
  /** In this file's previous stored copy but no longer in the file: removed unless another source has them. */
  dropped: number;
  /** False when the stored copy already holds exactly these papers, so nothing is written. */
  write: boolean;
}

/** Serialized form of the stored copy: one paper per line. */
export function storedText(papers: readonly Paper[]): string {
  return papers.map((p) => JSON.stringify(p)).join('\n') + '\n';
}

/**
 * Compares a file's papers with the live index and with the file's previous stored copy: pure, so
 * the command can say what it is about to do before it does it.
 */
export function planIngest(input: {
  file: string;
  target: string;
  papers: readonly Paper[];
  textHash: (paper: Paper) => string;
  live: LiveIndex;
  /** The previous stored copy's text, if there is one. */
  stored?: string;
  storedPapers: readonly Paper[];
}): IngestPlan {
  const counts = { added: 0, updated: 0, kept: 0 };
  for (const paper of input.papers) {
    const id = input.live.textById.has(paper.id) ? paper.id : input.live.idByTitle.get(normalizeTitle(paper.title));
    const indexed = id === undefined ? undefined : input.live.textById.get(id);
    if (indexed === undefined) counts.added++;
    else if (indexed === input.textHash(paper)) counts.kept++;
    else counts.updated++;
  }
  const ids = new Set(input.papers.map((p) => p.id));
  const dropped = input.storedPapers.filter((p) => !ids.has(p.id)).length;
  return {
    file: input.file,
    target: input.target,
    papers: input.papers.length,
    ...counts,
    dropped,
    write: input.stored !== storedText(input.papers),
  };
}
