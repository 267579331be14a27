import { parseMonthDay, type MonthDay } from './listing-date.js';
import { ProblemLog, type ProblemCounts } from './problems.js';

/** A paper as it appears on a saved Daily Papers page, before ids and the year are resolved. */
export interface PageEntry {
  title: string;
  abstract: string;
  /** 1-based position on the page, counting skipped malformed blocks too. */
  rank: number;
  /** Line of the title in the source file. */
  line: number;
}

export interface ParsedPage extends ProblemCounts {
  monthDay?: MonthDay;
  entries: PageEntry[];
}

const HEADER_LINES = new Set(
  ['new', 'Get trending papers in your email inbox!', 'Subscribe', 'byAK and the research community'].map((l) =>
    l.toLowerCase(),
  ),
);

interface Paragraph {
  text: string;
  line: number;
}

/** Consecutive non-blank lines form a paragraph; any run of blank lines separates paragraphs. */
function paragraphs(lines: string[]): Paragraph[] {
  const result: Paragraph[] = [];
  let current: Paragraph | undefined;
  lines.forEach((raw, index) => {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (!line) {
      current = undefined;
    } else if (current) {
      current.text += ` ${line}`;
    } else {
      current = { text: line, line: index + 1 };
      result.push(current);
    }
  });
  return result;
}

// Titles run up to ~180 characters on real pages and abstracts from ~400; these bounds leave room both ways.
const TITLE_MAX_CHARS = 300;
const ABSTRACT_MIN_CHARS = 200;

function looksLikeTitle(text: string): boolean {
  return text.length <= TITLE_MAX_CHARS;
}

function isAbstractFor(title: string, text: string): boolean {
  return text.length >= ABSTRACT_MIN_CHARS && text.length > title.length;
}

/**
 * Parses the text of a Hugging Face Daily Papers page: a few header lines, a date such as `Mar 12`,
 * then blocks of a title line and an abstract paragraph. Tolerates CRLF and stray whitespace; a block
 * that is not a title followed by an abstract is reported with its line number and skipped.
 */
export function parseSeedPage(text: string, source: string): ParsedPage {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const log = new ProblemLog();
  const blocks = paragraphs(lines);

  let monthDay: MonthDay | undefined;
  let start = 0;
  while (start < blocks.length && HEADER_LINES.has(blocks[start]!.text.toLowerCase())) start++;
  const dateBlock = blocks[start];
  if (dateBlock && (monthDay = parseMonthDay(dateBlock.text))) {
    start++;
  } else {
    log.note({
      source,
      location: `line ${dateBlock?.line ?? lines.length}`,
      message: 'expected the list date (such as "Mar 12") after the page header; papers will have no listing date',
    });
  }

  const entries: PageEntry[] = [];
  let position = 0;
  for (let i = start; i < blocks.length; ) {
    const title = blocks[i]!;
    const abstract = blocks[i + 1];
    if (!looksLikeTitle(title.text)) {
      log.reject({
        source,
        location: `line ${title.line}`,
        message: `found a paragraph of ${title.text.length} characters where a title (at most ${TITLE_MAX_CHARS}) was expected: an abstract with no title? Skipped`,
      });
      i += 1;
    } else if (!abstract || !isAbstractFor(title.text, abstract.text)) {
      position += 1;
      log.reject({
        source,
        location: `line ${title.line}`,
        message: `title "${title.text.slice(0, 60)}" is not followed by an abstract (a paragraph of at least ${ABSTRACT_MIN_CHARS} characters); skipped`,
      });
      i += 1;
    } else {
      position += 1;
      entries.push({ title: title.text, abstract: abstract.text, rank: position, line: title.line });
      i += 2;
    }
  }
  return { monthDay, entries, ...log.counts() };
}
