import { describeZodError } from '../util/zod-issues.js';
import { arxivIdFromLink, paperSchema, parseArxivId, type Paper } from './paper.js';
import type { ParsedSource } from './problems.js';

/**
 * Parses JSONL in the canonical `Paper` shape, one step per line (see util/cooperative.ts);
 * bad lines are reported with their line number.
 */
export function* jsonlSteps(text: string, source: string): Generator<void, ParsedSource<Paper>> {
  const result: ParsedSource<Paper> = { items: [], problems: [] };
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
      result.problems.push({ source, location, message: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = paperSchema.safeParse(json);
    if (!parsed.success) {
      result.problems.push({ source, location, message: describeZodError(parsed.error) });
      continue;
    }
    const record = parsed.data;
    const arxivId = parseArxivId(record.arxivId ?? '') ?? parseArxivId(record.id) ?? (record.url ? arxivIdFromLink(record.url) : undefined);
    result.items.push({ ...record, arxivId, id: arxivId ?? record.id });
  }
  return result;
}
