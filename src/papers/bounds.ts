import type { Paper } from './paper.js';
import type { ProblemLog } from './problems.js';

/**
 * The longest text paperscout keeps of each field. Real titles run to ~300 characters and abstracts
 * to ~3,000; these leave room both ways, yet keep one odd record from costing the index gigabytes.
 */
export const FIELD_BOUNDS = {
  title: 500,
  abstract: 20_000,
  aiSummary: 1_000,
  /** Names in the author list, and characters in each name. */
  authors: 100,
  author: 200,
  /** A longer link is dropped, since a cut link leads nowhere. */
  url: 2_000,
} as const;

// C0 controls but tab and newline, DEL, and C1 controls: never meaningful in text shown to a person.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LINE_BREAKS = /\r\n?|[\v\f\u0085\u2028\u2029]/g;

interface Cleaned {
  text: string;
  removed: number;
}

/** Drops control characters; a one-line field also turns tabs and line breaks into spaces. */
function clean(text: string, multiline: boolean): Cleaned {
  const spaced = multiline ? text.replace(LINE_BREAKS, '\n') : text.replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ');
  let removed = 0;
  const stripped = spaced.replace(CONTROL, () => {
    removed++;
    return '';
  });
  return { text: stripped.trim(), removed };
}

/** The first `max` characters, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  const head = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A paper made safe to index and show: control characters stripped, every text field bounded, each
 * change noted in `log` at the record's location. Returns undefined (and rejects the record) when
 * nothing is left of its title or abstract.
 */
export function boundPaper(paper: Paper, source: string, location: string, log: ProblemLog): Paper | undefined {
  const note = (message: string) => log.note({ source, location, message });
  let removed = 0;
  const text = (field: string, value: string, max: number, multiline = false): string => {
    const cleaned = clean(value, multiline);
    removed += cleaned.removed;
    if (cleaned.text.length <= max) return cleaned.text;
    note(`${field} cut from ${count(cleaned.text.length)} to ${count(max)} characters`);
    return cut(cleaned.text, max);
  };
  const link = (field: string, value: string | undefined): string | undefined => {
    if (value === undefined || value.length <= FIELD_BOUNDS.url) return value;
    note(`${field} dropped: ${count(value.length)} characters, more than ${count(FIELD_BOUNDS.url)}`);
    return undefined;
  };

  const title = text('title', paper.title, FIELD_BOUNDS.title);
  const abstract = text('abstract', paper.abstract, FIELD_BOUNDS.abstract, true);
  if (!title || !abstract) {
    log.reject({ source, location, message: `${title ? 'abstract' : 'title'} is empty once control characters are removed` });
    return undefined;
  }
  let authors = paper.authors?.map((name) => text('author name', name, FIELD_BOUNDS.author)).filter(Boolean);
  if (authors && authors.length > FIELD_BOUNDS.authors) {
    note(`authors cut from ${count(authors.length)} to ${count(FIELD_BOUNDS.authors)} names`);
    authors = authors.slice(0, FIELD_BOUNDS.authors);
  }
  const aiSummary = paper.aiSummary === undefined ? undefined : text('summary', paper.aiSummary, FIELD_BOUNDS.aiSummary) || undefined;
  const bounded: Paper = {
    ...paper,
    title,
    abstract,
    authors,
    aiSummary,
    url: link('url', paper.url),
    githubUrl: link('githubUrl', paper.githubUrl),
    projectUrl: link('projectUrl', paper.projectUrl),
  };
  if (removed) note(`removed ${count(removed)} control character${removed === 1 ? '' : 's'}`);
  // Fields the record did not have stay absent, so its hash and JSON are as before.
  for (const key of Object.keys(bounded) as (keyof Paper)[]) if (bounded[key] === undefined && !(key in paper)) delete bounded[key];
  return bounded;
}
