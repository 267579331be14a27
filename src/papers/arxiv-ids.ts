import { normalizeTitle, parseArxivId } from './paper.js';
import type { ParsedSource } from './problems.js';

export interface ArxivIdRow {
  rank?: number;
  arxivId: string;
  title: string;
}

/** Reads a `listing_rank<TAB>arxiv_id<TAB>title` table that maps known titles to arXiv ids. */
export function parseArxivIdTable(text: string, source: string): ParsedSource<ArxivIdRow> {
  const result: ParsedSource<ArxivIdRow> = { items: [], problems: [] };
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (!line.trim() || (index === 0 && /arxiv_id/i.test(line))) return;
    const [rank, id, ...titleParts] = line.split('\t');
    const arxivId = parseArxivId(id ?? '');
    const title = titleParts.join('\t').trim();
    if (!arxivId || !title) {
      result.problems.push({
        source,
        location: `line ${index + 1}`,
        message: 'expected listing_rank, a valid arXiv id and a title, separated by tabs',
      });
      return;
    }
    const rankNumber = Number(rank);
    result.items.push({ arxivId, title, rank: Number.isInteger(rankNumber) ? rankNumber : undefined });
  });
  return result;
}

export function idsByNormalizedTitle(rows: readonly ArxivIdRow[]): Map<string, string> {
  return new Map(rows.map((row) => [normalizeTitle(row.title), row.arxivId]));
}
