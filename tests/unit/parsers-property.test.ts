import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArxivIdTable, type ArxivIdRow } from '../../src/papers/arxiv-ids.js';
import { parseDailyItems, parseDailyPapersFile } from '../../src/papers/hf-daily.js';
import { jsonlSteps } from '../../src/papers/jsonl.js';
import { isArxivId, slugId, type Paper } from '../../src/papers/paper.js';
import type { SourceProblem } from '../../src/papers/problems.js';
import { parseSeedPage, type ParsedPage } from '../../src/papers/seed-page.js';
import { loadSources } from '../../src/papers/sources.js';
import { runToEnd } from '../../src/util/cooperative.js';
import { ROOT, SEED_PAGE, SEEDS } from '../setup/paths.js';

/** The step-by-step parser that loadSources runs, run to the end at once. */
const parseJsonl = (text: string, source: string) => runToEnd(jsonlSteps(text, source));

/**
 * Property tests for every source parser: whatever bytes a source holds, a parser returns papers that
 * are safe to index (non-empty title and abstract, an id that fits a Discord custom_id) and problems
 * that say where they are. Seeds are fixed, so every run explores the same inputs.
 */
const RUNS = { seed: 42, numRuns: 300 } as const;

const SEED_TEXT = readFileSync(SEED_PAGE, 'utf8');
const SEED_BYTES = readFileSync(SEED_PAGE);
const FULL_PAGE = parseSeedPage(SEED_TEXT, 'seed.txt');
const SEED_PAPERS = (await loadSources([SEEDS], new Date('2025-03-20T00:00:00Z'))).papers;
const SEED_JSONL = Buffer.from(SEED_PAPERS.map((p) => JSON.stringify(p)).join('\n') + '\n', 'utf8');
const ID_TABLE_BYTES = readFileSync(join(SEEDS, 'seed-arxiv-ids.tsv'));
const HF_DIR = join(ROOT, 'tests/fixtures/hf-daily');
const HF_FIXTURES = readdirSync(HF_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, bytes: readFileSync(join(HF_DIR, name)) }));

/** The location forms the parsers promise, so a user can find the bad spot. */
const LOCATION = /^(line \d+|item \d+|top level|page \d+, item \d+)$/;
/** The paper schema: ids travel in Discord custom_ids (100 characters at most), so they stay short. */
const VALID_ID = /^[\w.:/-]{1,64}$/;

function expectProblems(problems: readonly SourceProblem[], source: string): void {
  for (const problem of problems) {
    expect(problem.source).toBe(source);
    expect(problem.location).toMatch(LOCATION);
    expect(typeof problem.message).toBe('string');
    expect(problem.message.trim().length).toBeGreaterThan(0);
  }
}

function expectText(value: unknown): void {
  expect(typeof value).toBe('string');
  expect((value as string).trim().length).toBeGreaterThan(0);
}

/** `source` is the file a paper came from; JSONL records name their own source (undefined). */
function expectPapers(papers: readonly Paper[], source: string | undefined): void {
  for (const paper of papers) {
    expectText(paper.title);
    expectText(paper.abstract);
    expect(paper.id, `id of "${String(paper.title).slice(0, 40)}"`).toMatch(VALID_ID);
    if (paper.arxivId !== undefined) {
      expect(isArxivId(paper.arxivId)).toBe(true);
      expect(paper.id).toBe(paper.arxivId);
    }
    expectText(paper.source);
    if (source !== undefined) expect(paper.source).toBe(source);
  }
}

function expectPage(page: ParsedPage, source: string): void {
  expectProblems(page.problems, source);
  for (const entry of page.entries) {
    expectText(entry.title);
    expectText(entry.abstract);
    expect(Number.isInteger(entry.rank) && entry.rank >= 1).toBe(true);
    expect(Number.isInteger(entry.line) && entry.line >= 1).toBe(true);
    // A page entry without an arXiv id is indexed under its slug: that must be a valid id too.
    expect(slugId(entry.title)).toMatch(VALID_ID);
  }
}

function expectIdRows(rows: readonly ArxivIdRow[]): void {
  for (const row of rows) {
    expect(isArxivId(row.arxivId)).toBe(true);
    // Table ids become the ids of the papers they name.
    expect(row.arxivId, `table id for "${row.title.slice(0, 40)}"`).toMatch(VALID_ID);
    expectText(row.title);
    expect(row.title).toBe(row.title.trim());
    if (row.rank !== undefined) expect(Number.isInteger(row.rank)).toBe(true);
  }
}

/** Each parser, fed text, checked against its own invariants. */
const PARSERS = {
  seedPage: (text: string) => expectPage(parseSeedPage(text, 'seed.txt'), 'seed.txt'),
  jsonl: (text: string) => {
    const parsed = parseJsonl(text, 'papers.jsonl');
    expectProblems(parsed.problems, 'papers.jsonl');
    expectPapers(parsed.items, undefined);
  },
  dailyFile: (text: string, source = '2025-03-12.json') => {
    const parsed = parseDailyPapersFile(text, source);
    expectProblems(parsed.problems, source);
    expectPapers(parsed.items, source);
    // A dated file name is the list date of every paper in it.
    const date = /(\d{4}-\d{2}-\d{2})\.json$/.exec(source)?.[1];
    if (date) for (const paper of parsed.items) expect(paper.listings?.[0]?.date).toBe(date);
  },
  idTable: (text: string) => {
    const parsed = parseArxivIdTable(text, 'ids.tsv');
    expectProblems(parsed.problems, 'ids.tsv');
    expectIdRows(parsed.items);
  },
};

function checkDailyValue(value: unknown): void {
  const parsed = parseDailyItems(value, 'api');
  expectProblems(parsed.problems, 'api');
  expectPapers(parsed.items, 'api');
  if (!Array.isArray(value)) expect(parsed.problems.map((p) => p.location)).toEqual(['top level']);
  else {
    // Every item is a paper or an unusable record, and each unusable one is a problem (a kept paper may have notes too).
    expect(parsed.items.length + parsed.unusable).toBe(value.length);
    expect(parsed.problemCount).toBeGreaterThanOrEqual(parsed.unusable);
  }
}

/** Up to 24 random byte flips anywhere in the buffer, decoded as UTF-8 (invalid sequences included). */
const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 24 });
function flipBytes(bytes: Buffer, changes: readonly [number, number][]): string {
  const copy = Buffer.from(bytes);
  for (const [position, mask] of changes) copy[position % copy.length]! ^= mask;
  return copy.toString('utf8');
}

// Inputs shaped like the real thing, where the interesting edge cases live.
const messyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '\t\n', '\u200b', '\u00a0', '\ufeff', 'Scaling MLPs', '  padded  ', 'a\nb'),
  fc.lorem({ maxCount: 40, mode: 'sentences' }),
);
const arxivIdLike = fc.oneof(
  fc.stringMatching(/^(arXiv:)?\d{4}\.\d{4,5}(v\d{1,2})?$/),
  fc.stringMatching(/^(arxiv:)?[a-z-]{1,12}(\.[A-Z]{2})?\/\d{7}(v\d)?$/),
  // Legacy-form ids with long archive names: still "arXiv ids" to the regex, but not short ids.
  fc.stringMatching(/^[a-z-]{40,120}\/\d{7}$/),
  fc.stringMatching(/^[\w.:/-]{1,70}$/),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const urlLike = fc.oneof(
  fc.webUrl(),
  arxivIdLike.map((id) => `https://arxiv.org/abs/${id}`),
  arxivIdLike.map((id) => `https://arxiv.org/pdf/${id}.pdf`),
  fc.string(),
);
const jsonlRecord = fc.record(
  {
    id: arxivIdLike,
    title: messyText,
    abstract: messyText,
    source: fc.oneof(fc.constant('test'), messyText),
    arxivId: arxivIdLike,
    url: urlLike,
    authors: fc.array(fc.string(), { maxLength: 3 }),
    upvotes: fc.oneof(fc.nat(), fc.integer(), fc.double()),
    published: fc.string(),
    listings: fc.array(fc.record({ date: fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/), rank: fc.integer() }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const dailyItem = fc.record(
  {
    paper: fc.record(
      {
        id: arxivIdLike,
        title: messyText,
        summary: messyText,
        publishedAt: fc.string(),
        upvotes: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
        authors: fc.oneof(fc.array(fc.record({ name: fc.string() })), fc.anything()),
        ai_summary: fc.oneof(fc.string(), fc.anything()),
        githubRepo: urlLike,
        projectPage: urlLike,
      },
      { requiredKeys: [] },
    ),
    publishedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
    title: fc.string(),
    numComments: fc.oneof(fc.nat(), fc.string()),
  },
  { requiredKeys: [] },
);
const idTableRow = fc
  .tuple(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 4 })), arxivIdLike, messyText)
  .map((cells) => cells.join('\t'));

describe('source parsers never throw on random text', () => {
  it.each(Object.entries(PARSERS))('%s: any Unicode string', (_, check) => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => check(text)), RUNS);
  });

  it.each(Object.entries(PARSERS))('%s: random lines of Unicode, tabs, braces and CR/LF mixes', (_, check) => {
    const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('\t', '\r\n', '\r', '\n', '\n\n', '{', '}', '[', ']', '"', ':'));
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => check(pieces.join(''))), RUNS);
  });
});

describe('seed page, truncated and corrupted', () => {
  it('the full seed parses to 64 entries with no problems (the oracle for the properties below)', () => {
    expect(FULL_PAGE.problems).toEqual([]);
    expect(FULL_PAGE.entries).toHaveLength(64);
  });

  function expectPrefixOfSeed(page: ParsedPage): void {
    expect(page.entries.length).toBeLessThanOrEqual(64);
    page.entries.forEach((entry, i) => {
      const full = FULL_PAGE.entries[i]!;
      expect(entry.title).toBe(full.title);
      expect(entry.rank).toBe(full.rank);
      expect(entry.line).toBe(full.line);
      if (i < page.entries.length - 1) expect(entry.abstract).toBe(full.abstract);
      else expect(full.abstract.startsWith(entry.abstract)).toBe(true);
    });
  }

  it('truncated at any character: a prefix of the seed entries, in seed order', () => {
    fc.assert(
      fc.property(fc.nat({ max: SEED_TEXT.length }), (end) => {
        const page = parseSeedPage(SEED_TEXT.slice(0, end), 'seed.txt');
        expectPage(page, 'seed.txt');
        expectPrefixOfSeed(page);
      }),
      RUNS,
    );
  });

  it('truncated at any byte (possibly inside a UTF-8 sequence): still a prefix of the seed entries', () => {
    fc.assert(
      fc.property(fc.nat({ max: SEED_BYTES.length }), (end) => {
        const page = parseSeedPage(SEED_BYTES.subarray(0, end).toString('utf8'), 'seed.txt');
        expectPage(page, 'seed.txt');
        expectPrefixOfSeed(page);
      }),
      RUNS,
    );
  });

  it('with random bytes flipped: never throws, every entry well-formed', () => {
    fc.assert(fc.property(flips, (changes) => PARSERS.seedPage(flipBytes(SEED_BYTES, changes))), RUNS);
  });
});

describe('JSONL, daily-papers files and id tables, corrupted', () => {
  it('a valid JSONL of the 64 seed papers parses back completely (the oracle)', () => {
    const parsed = parseJsonl(SEED_JSONL.toString('utf8'), 'papers.jsonl');
    expect(parsed.problems).toEqual([]);
    expect(parsed.items).toHaveLength(64);
  });

  it('JSONL with random bytes flipped: never throws, and every paper kept is well-formed', () => {
    fc.assert(
      fc.property(flips, (changes) => {
        const text = flipBytes(SEED_JSONL, changes);
        PARSERS.jsonl(text);
        // No line is lost silently: each non-blank line is either a paper or an unusable record, itself a problem.
        const parsed = parseJsonl(text, 'papers.jsonl');
        const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim()).length;
        expect(parsed.items.length + parsed.unusable).toBe(lines);
        expect(parsed.problemCount).toBeGreaterThanOrEqual(parsed.unusable);
      }),
      RUNS,
    );
  });

  it('JSONL truncated at any byte keeps every complete line before the cut', () => {
    fc.assert(
      fc.property(fc.nat({ max: SEED_JSONL.length }), (end) => {
        const text = SEED_JSONL.subarray(0, end).toString('utf8');
        const parsed = parseJsonl(text, 'papers.jsonl');
        expectProblems(parsed.problems, 'papers.jsonl');
        expectPapers(parsed.items, undefined);
        const complete = text.split('\n').length - 1;
        expect(parsed.items.length).toBeGreaterThanOrEqual(complete);
        expect(parsed.items.slice(0, complete).map((p) => p.id)).toEqual(SEED_PAPERS.slice(0, complete).map((p) => p.id));
        expect(parsed.problems.length).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it.each(HF_FIXTURES.map((f) => [f.name, f] as const))('HF fixture %s with random bytes flipped: never throws', (_, fixture) => {
    expect(parseDailyPapersFile(fixture.bytes.toString('utf8'), fixture.name).items.length).toBeGreaterThan(0);
    fc.assert(fc.property(flips, (changes) => PARSERS.dailyFile(flipBytes(fixture.bytes, changes), fixture.name)), RUNS);
  });

  it.each(HF_FIXTURES.map((f) => [f.name, f] as const))('HF fixture %s truncated at any byte: never throws', (_, fixture) => {
    fc.assert(
      fc.property(fc.nat({ max: fixture.bytes.length }), (end) => PARSERS.dailyFile(fixture.bytes.subarray(0, end).toString('utf8'), fixture.name)),
      RUNS,
    );
  });

  it('the seed id table with random bytes flipped or truncated: never throws, every row well-formed', () => {
    fc.assert(fc.property(flips, (changes) => PARSERS.idTable(flipBytes(ID_TABLE_BYTES, changes))), RUNS);
    fc.assert(fc.property(fc.nat({ max: ID_TABLE_BYTES.length }), (end) => PARSERS.idTable(ID_TABLE_BYTES.subarray(0, end).toString('utf8'))), RUNS);
  });
});

describe('JSON parsers on arbitrary values', () => {
  it('parseDailyItems: fc.anything()', () => {
    fc.assert(fc.property(fc.anything(), checkDailyValue), RUNS);
  });

  it('parseDailyItems: arrays of fc.anything() and of fc.json() values', () => {
    fc.assert(fc.property(fc.array(fc.anything(), { maxLength: 8 }), checkDailyValue), RUNS);
    fc.assert(fc.property(fc.json().map((j) => JSON.parse(j) as unknown), checkDailyValue), RUNS);
  });

  it('parseDailyPapersFile: fc.json() text, under dated and undated file names', () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom('2025-03-12.json', 'daily.json'), (text, source) => PARSERS.dailyFile(text, source)),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(fc.json(), { maxLength: 6 }), (items) => PARSERS.dailyFile(`[${items.join(',')}]`)),
      RUNS,
    );
  });

  it('parseJsonl: lines of fc.json() and of serialised fc.anything()', () => {
    fc.assert(fc.property(fc.array(fc.json(), { maxLength: 10 }), (lines) => PARSERS.jsonl(lines.join('\n'))), RUNS);
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 10 }), (values) =>
        PARSERS.jsonl(values.map((v) => JSON.stringify(v) ?? 'undefined').join('\r\n')),
      ),
      RUNS,
    );
  });
});

describe('parsers on records shaped like real ones, with edge-case fields', () => {
  it('parseJsonl: paper-shaped records with odd ids, urls, texts and numbers', () => {
    fc.assert(
      fc.property(fc.array(jsonlRecord, { minLength: 1, maxLength: 6 }), (records) =>
        PARSERS.jsonl(records.map((r) => JSON.stringify(r)).join('\n')),
      ),
      RUNS,
    );
  });

  it('parseDailyItems: daily-papers-shaped items with odd ids, urls, texts and numbers', () => {
    fc.assert(fc.property(fc.array(dailyItem, { maxLength: 6 }), checkDailyValue), RUNS);
  });

  it('parseArxivIdTable: rows with odd ranks, ids and titles', () => {
    fc.assert(
      fc.property(fc.array(idTableRow, { maxLength: 10 }), fc.boolean(), (rows, header) =>
        PARSERS.idTable([...(header ? ['listing_rank\tarxiv_id\ttitle'] : []), ...rows].join('\n')),
      ),
      RUNS,
    );
  });
});

describe('ids that look like legacy arXiv ids but are too long', () => {
  // A loose legacy-id rule (any run of [a-z-] as the archive name) would let `<100 letters>/0000000`
  // pass as an arXiv id and become the paper id, bypassing the 64-character id rule of the paper
  // schema; such an id no longer fits a Discord custom_id (`vote:<id>` > 100 characters).
  const longId = `${'a'.repeat(100)}/0000000`;

  it('a JSONL arxivId field, id or url does not smuggle in an id over 64 characters', () => {
    const lines = [
      { id: 'p1', title: 'T1', abstract: 'A1', source: 's', arxivId: longId },
      { id: 'p2', title: 'T2', abstract: 'A2', source: 's', url: `https://arxiv.org/abs/${longId}` },
    ].map((r) => JSON.stringify(r));
    const { items, problems } = parseJsonl(lines.join('\n'), 'papers.jsonl');
    for (const paper of items) expect(paper.id).toMatch(VALID_ID);
    // The bad arxivId field is reported where it is; the url is no arXiv link, so p2 keeps its own id.
    expect(problems).toEqual([{ source: 'papers.jsonl', location: 'line 1', message: expect.stringContaining('arxivId') }]);
    expect(items.map((paper) => [paper.id, paper.arxivId])).toEqual([['p2', undefined]]);
  });

  it('a daily-papers item with such a paper.id is reported, not indexed under it', () => {
    const { items, problems } = parseDailyItems([{ paper: { id: longId, title: 'T', summary: 'S' } }], 'api');
    for (const paper of items) expect(paper.id).toMatch(VALID_ID);
    expect(items).toEqual([]);
    expect(problems).toEqual([{ source: 'api', location: 'item 1', message: expect.stringContaining('paper.id') }]);
  });

  it('an id-table row with such an id is reported, not applied', () => {
    const { items, problems } = parseArxivIdTable(`1\t${longId}\tSome Title`, 'ids.tsv');
    for (const row of items) expect(row.arxivId).toMatch(VALID_ID);
    expect(items).toEqual([]);
    expect(problems).toEqual([{ source: 'ids.tsv', location: 'line 1', message: expect.stringContaining('arXiv id') }]);
  });
});
