import { z } from 'zod';
import { describeZodError } from '../util/zod-issues.js';
import { parseArxivId, webUrl, type Paper } from './paper.js';
import { boundPaper } from './bounds.js';
import { ProblemLog, type ParsedSource } from './problems.js';

const optionalUrl = webUrl.optional().catch(undefined);

/** One entry of `GET /api/daily_papers`; only what paperscout uses is validated. */
export const dailyItemSchema = z.object({
  title: z.string().optional(),
  summary: z.string().optional(),
  publishedAt: z.string().optional(),
  numComments: z.number().optional(),
  paper: z.object({
    id: z.string().refine((id) => parseArxivId(id) !== undefined, 'is not an arXiv id'),
    title: z.string().trim().min(1),
    summary: z.string().trim().min(1),
    publishedAt: z.string().optional(),
    upvotes: z.number().int().nonnegative().optional().catch(undefined),
    authors: z.array(z.object({ name: z.string() }).passthrough()).optional().catch(undefined),
    ai_summary: z.string().optional().catch(undefined),
    githubRepo: optionalUrl,
    projectPage: optionalUrl,
  }),
});

export type DailyItem = z.infer<typeof dailyItemSchema>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Maps one daily-papers item to a Paper. `listDate` is the day whose list it came from; without it,
 * the day the item was posted is used.
 */
export function mapDailyItem(item: DailyItem, rank: number, source: string, listDate?: string): Paper {
  const { paper } = item;
  const arxivId = parseArxivId(paper.id)!;
  const date = listDate ?? item.publishedAt?.match(ISO_DATE)?.[0];
  return {
    id: arxivId,
    arxivId,
    title: paper.title.replace(/\s+/g, ' ').trim(),
    abstract: paper.summary.replace(/\s+/g, ' ').trim(),
    authors: paper.authors?.map((a) => a.name),
    published: paper.publishedAt,
    upvotes: paper.upvotes,
    source,
    listings: date ? [{ date, rank }] : undefined,
    aiSummary: paper.ai_summary?.trim() || undefined,
    githubUrl: paper.githubRepo,
    projectUrl: paper.projectPage,
  };
}

/** Validates and maps a daily-papers response; items that do not fit are skipped and reported. */
export function parseDailyItems(json: unknown, source: string, listDate?: string): ParsedSource<Paper> {
  const items: Paper[] = [];
  const locations: string[] = [];
  const log = new ProblemLog();
  if (!Array.isArray(json)) {
    log.reject({ source, location: 'top level', message: 'expected a JSON array of daily-papers items' });
    return log.parsed(items, locations);
  }
  json.forEach((raw, index) => {
    const location = `item ${index + 1}`;
    const parsed = dailyItemSchema.safeParse(raw);
    if (!parsed.success) {
      log.reject({ source, location, message: describeZodError(parsed.error) });
      return;
    }
    const paper = boundPaper(mapDailyItem(parsed.data, index + 1, source, listDate), source, location, log);
    if (!paper) return;
    items.push(paper);
    locations.push(location);
  });
  return log.parsed(items, locations);
}

/** Parses a saved `api/daily_papers` response. A file named like `2025-03-12.json` is that day's list. */
export function parseDailyPapersFile(text: string, source: string): ParsedSource<Paper> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const log = new ProblemLog();
    log.reject({ source, location: 'top level', message: `not valid JSON (${(error as Error).message})` });
    return log.parsed([], []);
  }
  const listDate = /(\d{4}-\d{2}-\d{2})\.json$/.exec(source)?.[1];
  return parseDailyItems(json, source, listDate);
}
