import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { idsByNormalizedTitle, parseArxivIdTable, type ArxivIdRow } from './arxiv-ids.js';
import { parseDailyPapersFile } from './hf-daily.js';
import { jsonlSteps } from './jsonl.js';
import { cooperative, runCooperatively } from '../util/cooperative.js';
import { inferListingDate } from './listing-date.js';
import { dedupeSteps } from './merge.js';
import { normalizeTitle, slugId, type Paper } from './paper.js';
import type { ParsedSource, SourceProblem } from './problems.js';
import { parseSeedPage } from './seed-page.js';

export type SourceKind = 'seed-page' | 'jsonl' | 'daily-papers' | 'arxiv-ids';

/** How a file is read is decided by its name. */
export function sourceKind(path: string): SourceKind | undefined {
  const name = basename(path).toLowerCase();
  if (name.endsWith('arxiv-ids.tsv')) return 'arxiv-ids';
  if (name.endsWith('.txt')) return 'seed-page';
  if (name.endsWith('.jsonl')) return 'jsonl';
  if (name.endsWith('.json')) return 'daily-papers';
  return undefined;
}

/**
 * A fingerprint of the source files' names, sizes and modification times: when it is unchanged, the
 * sources are too, and a reload can skip reading them.
 */
export function sourcesStamp(paths: readonly string[]): string {
  const { files, problems } = listSourceFiles(paths);
  const lines = files.map((file) => {
    const stat = statSync(file);
    return `${file}\t${stat.size}\t${stat.mtimeMs}`;
  });
  return createHash('sha256').update([...lines, ...problems.map((p) => p.source)].join('\n')).digest('hex');
}

/** Expands directories (one level, sorted by name) into the source files they hold. */
export function listSourceFiles(paths: readonly string[]): { files: string[]; problems: SourceProblem[] } {
  const files: string[] = [];
  const problems: SourceProblem[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      problems.push({ source: path, location: 'file', message: 'does not exist' });
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    for (const name of readdirSync(path).sort()) {
      if (sourceKind(name)) files.push(join(path, name));
    }
  }
  return { files, problems };
}

function seedPagePapers(text: string, source: string, ids: Map<string, string>, today: Date): ParsedSource<Paper> {
  const page = parseSeedPage(text, source);
  const resolved = page.entries.map((entry) => ({ entry, arxivId: ids.get(normalizeTitle(entry.title)) }));
  const date = page.monthDay
    ? inferListingDate(page.monthDay, resolved.flatMap((r) => r.arxivId ?? []), today)
    : undefined;
  const items = resolved.map(({ entry, arxivId }): Paper => ({
    id: arxivId ?? slugId(entry.title),
    arxivId,
    title: entry.title,
    abstract: entry.abstract,
    source,
    listings: date ? [{ date, rank: entry.rank }] : undefined,
  }));
  return { items, problems: page.problems };
}

export interface LoadedSources {
  papers: Paper[];
  problems: SourceProblem[];
  files: string[];
}

/**
 * Reads every source into deduplicated papers. arXiv-id tables are applied to every source, so a
 * paper known only by title still gets its real id and links. A bad file is reported, never fatal.
 */
export async function loadSources(paths: readonly string[], today = new Date()): Promise<LoadedSources> {
  const tick = cooperative();
  const { files, problems } = listSourceFiles(paths);
  const texts = new Map<string, string>();
  for (const file of files) {
    try {
      texts.set(file, await readFile(file, 'utf8'));
    } catch (error) {
      problems.push({ source: file, location: 'file', message: `cannot be read (${(error as NodeJS.ErrnoException).code})` });
    }
  }

  const idRows: ArxivIdRow[] = [];
  for (const [file, text] of texts) {
    if (sourceKind(file) !== 'arxiv-ids') continue;
    const table = parseArxivIdTable(text, file);
    idRows.push(...table.items);
    problems.push(...table.problems);
  }
  const ids = idsByNormalizedTitle(idRows);

  const papers: Paper[] = [];
  for (const [file, text] of texts) {
    const kind = sourceKind(file);
    const parsed =
      kind === 'seed-page'
        ? seedPagePapers(text, file, ids, today)
        : kind === 'jsonl'
          ? await runCooperatively(jsonlSteps(text, file), tick)
          : kind === 'daily-papers'
            ? parseDailyPapersFile(text, file)
            : undefined;
    if (!parsed) continue;
    problems.push(...parsed.problems);
    for (const paper of parsed.items) {
      const arxivId = paper.arxivId ?? ids.get(normalizeTitle(paper.title));
      papers.push(arxivId ? { ...paper, arxivId, id: arxivId } : paper);
    }
  }
  return { papers: await runCooperatively(dedupeSteps(papers), tick), problems, files };
}
