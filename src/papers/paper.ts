import { createHash } from 'node:crypto';
import { z } from 'zod';
import { words } from '../text/words.js';

const nonEmpty = z.string().trim().min(1);
/** Only web links: no javascript:, data: or other schemes end up in a reply. */
export const webUrl = z
  .string()
  .url()
  .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) link');

/** One appearance of a paper on a daily list. */
const listingSchema = z.object({
  /** ISO date, YYYY-MM-DD. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** 1-based position on that day's list. */
  rank: z.number().int().positive(),
});

export type Listing = z.infer<typeof listingSchema>;

/**
 * The canonical paper record every source is mapped to, and the JSONL shape of a paper: the first
 * eight fields are the public shape; the rest are optional enrichments paperscout itself writes.
 */
export const paperSchema = z.object({
  // Ids travel in Discord button ids (100 characters at most), so they stay short and space-free.
  id: z.string().regex(/^[\w.:/-]{1,64}$/, 'must be 1-64 letters, digits or . _ : / -'),
  title: nonEmpty,
  abstract: nonEmpty,
  authors: z.array(z.string()).optional(),
  /** ISO date (YYYY-MM-DD) or timestamp. */
  published: z.string().optional(),
  url: webUrl.optional(),
  upvotes: z.number().int().nonnegative().optional(),
  source: nonEmpty,
  arxivId: z
    .string()
    .refine((value) => parseArxivId(value) !== undefined, 'is not an arXiv id such as 2306.13575')
    .optional(),
  listings: z.array(listingSchema).optional(),
  /** A model-written one-line summary (Hugging Face `ai_summary`). */
  aiSummary: z.string().optional(),
  githubUrl: webUrl.optional(),
  projectUrl: webUrl.optional(),
});

export type Paper = z.infer<typeof paperSchema>;

export interface PaperLinks {
  /** The best single link for the paper. */
  primary: string;
  arxiv?: string;
  pdf?: string;
  huggingFace?: string;
  github?: string;
  project?: string;
  /** Search links, offered when no arXiv id is known. */
  arxivSearch?: string;
  scholarSearch?: string;
}

// Modern (YYMM.NNNNN) and legacy (archive/YYMMNNN, archive names are short) arXiv identifiers, without version.
const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z][a-z-]{1,15}(?:\.[A-Z]{2})?\/\d{7})$/;

/** Replaces unpaired surrogates, which cannot be encoded into URLs or UTF-8, with U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function isArxivId(value: string): boolean {
  return ARXIV_ID.test(value);
}

/** Strips a version suffix (`v2`) and an `arXiv:` prefix; returns undefined if it is not an arXiv id. */
export function parseArxivId(value: string): string | undefined {
  const id = value.trim().replace(/^arxiv:/i, '').replace(/v\d+$/, '');
  return isArxivId(id) ? id : undefined;
}

/** The arXiv id in an arXiv abstract or PDF link, or a Hugging Face paper page link; else undefined. */
export function arxivIdFromLink(link: string): string | undefined {
  const id = /(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/([^?#\s]+?)(?:\.pdf)?\/?$/.exec(link)?.[1];
  return id ? parseArxivId(id) : undefined;
}

/** Lower-case, accent-free, punctuation-free, single-spaced: two titles that normalize equal are the same paper. */
export function normalizeTitle(title: string): string {
  return words(title).join(' ');
}

const SLUG_WORDS_MAX_CHARS = 48;

/**
 * A stable id for a paper with no arXiv id: readable words from the title plus a short hash of the
 * normalized title, so the same title always gets the same id and two titles never collide in practice.
 */
export function slugId(title: string): string {
  const normalized = normalizeTitle(title);
  const slugWords = normalized
    .replace(/[^a-z0-9 ]/g, '')
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const word of slugWords) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > SLUG_WORDS_MAX_CHARS) break;
    slug = next;
  }
  const hash = createHash('sha1').update(normalized).digest('hex').slice(0, 8);
  return `${slug || 'paper'}-${hash}`;
}

export function paperLinks(paper: Paper): PaperLinks {
  const arxivId = paper.arxivId;
  if (arxivId) {
    return {
      primary: `https://arxiv.org/abs/${arxivId}`,
      arxiv: `https://arxiv.org/abs/${arxivId}`,
      pdf: `https://arxiv.org/pdf/${arxivId}`,
      huggingFace: `https://huggingface.co/papers/${arxivId}`,
      github: paper.githubUrl,
      project: paper.projectUrl,
    };
  }
  const query = encodeURIComponent(wellFormed(paper.title));
  const arxivSearch = `https://arxiv.org/search/?query=${query}&searchtype=title`;
  return {
    primary: paper.url ?? arxivSearch,
    arxivSearch,
    scholarSearch: `https://scholar.google.com/scholar?q=${query}`,
    github: paper.githubUrl,
    project: paper.projectUrl,
  };
}

/** The date a paper is best known by: its latest listing, else its publication date. */
export function paperDate(paper: Paper): string | undefined {
  const latestListing = paper.listings?.map((l) => l.date).sort().at(-1);
  return latestListing ?? paper.published?.slice(0, 10);
}

/** The text that is embedded and hashed for a paper: a change here means the paper must be re-embedded. */
export function paperPassage(paper: Pick<Paper, 'title' | 'abstract'>): string {
  return `${paper.title}. ${paper.abstract}`;
}
