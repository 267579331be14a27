import { createHash } from 'node:crypto';

/** One appearance of a paper on a daily list. */
export interface Listing {
  /** ISO date, YYYY-MM-DD. */
  date: string;
  /** 1-based position on that day's list. */
  rank: number;
}

/**
 * The canonical paper record every source is mapped to.
 * The first eight fields are the public JSONL shape; the rest are optional enrichments.
 */
export interface Paper {
  id: string;
  title: string;
  abstract: string;
  authors?: string[];
  /** ISO date (YYYY-MM-DD) or timestamp. */
  published?: string;
  url?: string;
  upvotes?: number;
  source: string;
  arxivId?: string;
  listings?: Listing[];
  /** A model-written one-line summary (Hugging Face `ai_summary`). */
  aiSummary?: string;
  githubUrl?: string;
  projectUrl?: string;
}

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

/** Lower-case, accent-free, punctuation-free, single-spaced: two titles that normalize equal are the same paper. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const SLUG_WORDS_MAX_CHARS = 48;

/**
 * A stable id for a paper with no arXiv id: readable words from the title plus a short hash of the
 * normalized title, so the same title always gets the same id and two titles never collide in practice.
 */
export function slugId(title: string): string {
  const normalized = normalizeTitle(title);
  const words = normalized
    .replace(/[^a-z0-9 ]/g, '')
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
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
