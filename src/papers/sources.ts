import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { idsByNormalizedTitle, parseArxivIdTable, type ArxivIdRow } from './arxiv-ids.js';
import { parseDailyPapersFile } from './hf-daily.js';
import { jsonlSteps } from './jsonl.js';
import { cooperative, runCooperatively } from '../util/cooperative.js';
import { inferListingDate } from './listing-date.js';
import { boundPaper } from './bounds.js';
import { dedupeSteps, type TitleConflict } from './merge.js';
import { normalizeTitle, slugId, type Paper } from './paper.js';
import { PROBLEMS_KEPT, ProblemLog, type ParsedSource, type ProblemCounts, type SourceProblem } from './problems.js';
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

function seedPagePapers(text: string, source: string, ids: ReadonlyMap<string, string>, today: Date): ParsedSource<Paper> {
  const page = parseSeedPage(text, source);
  const log = new ProblemLog();
  log.add(page);
  const resolved = page.entries.map((entry) => ({ entry, arxivId: ids.get(normalizeTitle(entry.title)) }));
  const date = page.monthDay
    ? inferListingDate(page.monthDay, resolved.flatMap((r) => r.arxivId ?? []), today)
    : undefined;
  const items: Paper[] = [];
  const locations: string[] = [];
  for (const { entry, arxivId } of resolved) {
    const location = `line ${entry.line}`;
    const paper = boundPaper(
      {
        id: arxivId ?? slugId(entry.title),
        arxivId,
        title: entry.title,
        abstract: entry.abstract,
        source,
        listings: date ? [{ date, rank: entry.rank }] : undefined,
      },
      source,
      location,
      log,
    );
    if (!paper) continue;
    items.push(paper);
    locations.push(location);
  }
  return log.parsed(items, locations);
}

export interface LoadedSources extends ProblemCounts {
  papers: Paper[];
  files: string[];
}

/** What a source's records are called in a report. */
const RECORDS: Record<SourceKind, string> = { 'seed-page': 'paragraphs', jsonl: 'lines', 'daily-papers': 'items', 'arxiv-ids': 'lines' };

/**
 * A source is garbage when more of its records are unusable than could be listed, and nearly all
 * are: most likely not a file of papers at all, so its few usable records are not trusted either.
 */
function isGarbage(parsed: ParsedSource<unknown>): boolean {
  return parsed.unusable > PROBLEMS_KEPT && parsed.unusable >= 0.9 * (parsed.unusable + parsed.items.length);
}

/** Adds a parsed source's problems to `log`, or, for a garbage source, one line that says so; returns whether to use it. */
function admit(parsed: ParsedSource<unknown>, file: string, kind: SourceKind, log: ProblemLog): boolean {
  if (!isGarbage(parsed)) {
    log.add(parsed);
    return true;
  }
  const first = parsed.problems[0]!;
  const all = (parsed.unusable + parsed.items.length).toLocaleString('en-US');
  log.reject({
    source: file,
    location: first.location,
    message: `${parsed.unusable.toLocaleString('en-US')} of ${all} ${RECORDS[kind]} unusable, so the whole file was skipped; first: ${first.message}`,
  });
  return false;
}

const quoted = (title: string) => JSON.stringify(title.length > 80 ? `${title.slice(0, 79)}…` : title);

/** One paper file, read and parsed: its papers (with the arXiv-id tables applied) and what was wrong in it. */
export interface ReadFile {
  papers: Paper[];
  /** Where each paper was found ("line 3"), in the same order. */
  locations: string[];
  problems: ProblemCounts;
}

/** Reads the arXiv-id tables among the files: real ids for papers known only by title. */
export async function readIdTables(files: readonly string[], log: ProblemLog): Promise<Map<string, string>> {
  const rows: ArxivIdRow[] = [];
  for (const file of files) {
    if (sourceKind(file) !== 'arxiv-ids') continue;
    const text = await readSource(file, log);
    if (text === undefined) continue;
    const table = parseArxivIdTable(text, file);
    if (admit(table, file, 'arxiv-ids', log)) for (const row of table.items) rows.push(row);
  }
  return idsByNormalizedTitle(rows);
}

async function readSource(file: string, log: ProblemLog): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    log.reject({ source: file, location: 'file', message: `cannot be read (${(error as NodeJS.ErrnoException).code})` });
    return undefined;
  }
}

/**
 * Reads one file of papers (any kind but an arXiv-id table). A file that cannot be read, or is
 * garbage (see isGarbage), gives no papers and says why in its problems.
 */
export async function readPaperFile(file: string, ids: ReadonlyMap<string, string>, today = new Date(), tick = cooperative()): Promise<ReadFile> {
  const log = new ProblemLog();
  const kind = sourceKind(file);
  const text = await readSource(file, log);
  const parsed =
    text === undefined
      ? undefined
      : kind === 'seed-page'
        ? seedPagePapers(text, file, ids, today)
        : kind === 'jsonl'
          ? await runCooperatively(jsonlSteps(text, file), tick)
          : kind === 'daily-papers'
            ? parseDailyPapersFile(text, file)
            : undefined;
  if (!kind || !parsed || !admit(parsed, file, kind, log)) return { papers: [], locations: [], problems: log.counts() };
  const papers = parsed.items.map((paper) => {
    const arxivId = paper.arxivId ?? ids.get(normalizeTitle(paper.title));
    return arxivId ? { ...paper, arxivId, id: arxivId } : paper;
  });
  return { papers, locations: parsed.locations, problems: log.counts() };
}

/** The note for a record whose id is an earlier record's but whose title is not. */
export function conflictNote(kept: { id: string; title: string }, replaced: { title: string }, older: { source: string; location: string }): string {
  return `id ${kept.id} is also at ${older.source}, ${older.location}, titled ${quoted(replaced.title)}; kept this record's title ${quoted(kept.title)}`;
}

/**
 * Reads every source into deduplicated papers. arXiv-id tables are applied to every source, so a
 * paper known only by title still gets its real id and links. A bad file is reported, never fatal;
 * problems are bounded (see ProblemLog), so no source can make them cost more than a counter.
 */
export async function loadSources(paths: readonly string[], today = new Date()): Promise<LoadedSources> {
  const tick = cooperative();
  const listed = listSourceFiles(paths);
  const log = new ProblemLog();
  for (const problem of listed.problems) log.reject(problem);
  const ids = await readIdTables(listed.files, log);
  const papers: Paper[] = [];
  const origins: { source: string; location: string }[] = [];
  for (const file of listed.files) {
    if (sourceKind(file) === 'arxiv-ids') continue;
    const read = await readPaperFile(file, ids, today, tick);
    log.add(read.problems);
    read.papers.forEach((paper, index) => {
      papers.push(paper);
      origins.push({ source: file, location: read.locations[index]! });
    });
  }
  const onConflict = ({ kept, replaced, keptIndex, replacedIndex }: TitleConflict) => {
    log.note({ ...origins[keptIndex]!, message: conflictNote(kept, replaced, origins[replacedIndex]!) });
  };
  const merged = await runCooperatively(dedupeSteps(papers, onConflict), tick);
  return { papers: merged, files: listed.files, ...log.counts() };
}
