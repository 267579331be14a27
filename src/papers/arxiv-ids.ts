import { normalizeTitle, parseArxivId } from './paper.js';
import { ProblemLog, type ParsedSource } from './problems.js';

export interface ArxivIdRow {
  rank?: number;
  arxivId: string;
  title: string;
}

/** Reads a `listing_rank<TAB>arxiv_id<TAB>title` table that maps known titles to arXiv ids. */
export function parseArxivIdTable(text: string, source: string): ParsedSource<ArxivIdRow> {
  const items: ArxivIdRow[] = [];
  const locations: string[] = [];
  const log = new ProblemLog();
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (!line.trim() || (index === 0 && /arxiv_id/i.test(line))) return;
    const [rank, id, ...titleParts] = line.split('\t');
    const arxivId = parseArxivId(id ?? '');
    const title = titleParts.join('\t').trim();
    if (!arxivId || !title) {
      log.reject({
        source,
        location: `line ${index + 1}`,
        message: 'expected listing_rank, a valid arXiv id and a title, separated by tabs',
      });
      return;
    }
    const rankNumber = Number(rank);
    items.push({ arxivId, title, rank: Number.isInteger(rankNumber) ? rankNumber : undefined });
    locations.push(`line ${index + 1}`);
  });
  return log.parsed(items, locations);
}

export function idsByNormalizedTitle(rows: readonly ArxivIdRow[]): Map<string, string> {
  return new Map(rows.map((row) => [normalizeTitle(row.title), row.arxivId]));
}
