import { describeZodError } from '../util/zod-issues.js';
import { boundPaper } from './bounds.js';
import { arxivIdFromLink, paperSchema, parseArxivId, type Paper } from './paper.js';
import { ProblemLog, type ParsedSource } from './problems.js';

/**
 * Parses JSONL in the canonical `Paper` shape, one step per line (see util/cooperative.ts);
 * bad lines are reported with their line number.
 */
export function* jsonlSteps(text: string, source: string): Generator<void, ParsedSource<Paper>> {
  const items: Paper[] = [];
  const locations: string[] = [];
  const log = new ProblemLog();
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    yield;
    const line = lines[index]!;
    if (!line.trim()) continue;
    const location = `line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      log.reject({ source, location, message: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = paperSchema.safeParse(json);
    if (!parsed.success) {
      log.reject({ source, location, message: describeZodError(parsed.error) });
      continue;
    }
    const record = parsed.data;
    const arxivId = parseArxivId(record.arxivId ?? '') ?? parseArxivId(record.id) ?? (record.url ? arxivIdFromLink(record.url) : undefined);
    const paper = boundPaper({ ...record, arxivId, id: arxivId ?? record.id }, source, location, log);
    if (!paper) continue;
    items.push(paper);
    locations.push(location);
  }
  return log.parsed(items, locations);
}
