import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundPaper, FIELD_BOUNDS } from '../../src/papers/bounds.js';
import { parseDailyItems } from '../../src/papers/hf-daily.js';
import { jsonlSteps } from '../../src/papers/jsonl.js';
import type { Paper } from '../../src/papers/paper.js';
import { PROBLEMS_KEPT, ProblemLog } from '../../src/papers/problems.js';
import { parseSeedPage } from '../../src/papers/seed-page.js';
import { loadSources } from '../../src/papers/sources.js';
import { runToEnd } from '../../src/util/cooperative.js';
import { SEEDS } from '../setup/paths.js';

const parseJsonl = (text: string, source: string) => runToEnd(jsonlSteps(text, source));
const record = (fields: Partial<Paper> = {}): Paper => ({ id: 'p-1', title: 'A title', abstract: 'An abstract.', source: 'hand', ...fields });
const line = (fields: Partial<Paper> = {}) => JSON.stringify(record(fields));
const sourcesDir = () => mkdtempSync(join(tmpdir(), 'paperscout-sources-'));

describe('field bounds', () => {
  it('cuts a 10 MB abstract to 20,000 characters and says so, with the line', () => {
    const { items, problems, unusable } = parseJsonl(`${line({ abstract: 'word '.repeat(2_097_152) })}\n`, 'big.jsonl');
    expect(items).toHaveLength(1);
    expect(items[0]!.abstract.length).toBeLessThanOrEqual(FIELD_BOUNDS.abstract);
    expect(unusable).toBe(0);
    expect(problems).toEqual([{ source: 'big.jsonl', location: 'line 1', message: 'abstract cut from 10,485,759 to 20,000 characters' }]);
  });

  it('cuts the title, the author list, each author, the summary, and drops an overlong link', () => {
    const log = new ProblemLog();
    const paper = boundPaper(
      record({
        title: 'T'.repeat(600),
        authors: [...Array.from({ length: 150 }, (_, i) => `Author ${i}`), 'N'.repeat(300)],
        aiSummary: 's'.repeat(1500),
        url: `https://example.org/${'a'.repeat(3000)}`,
      }),
      'f.jsonl',
      'line 4',
      log,
    )!;
    expect(paper.title).toHaveLength(FIELD_BOUNDS.title);
    expect(paper.authors).toHaveLength(FIELD_BOUNDS.authors);
    expect(paper.aiSummary).toHaveLength(FIELD_BOUNDS.aiSummary);
    expect(paper.url).toBeUndefined();
    expect(log.counts().problems.map((p) => p.message)).toEqual([
      'title cut from 600 to 500 characters',
      'author name cut from 300 to 200 characters',
      'authors cut from 151 to 100 names',
      'summary cut from 1,500 to 1,000 characters',
      'url dropped: 3,020 characters, more than 2,000',
    ]);
    for (const problem of log.counts().problems) expect(problem.location).toBe('line 4');
  });

  it('never splits a surrogate pair when cutting', () => {
    const paper = boundPaper(record({ title: `${'x'.repeat(499)}😀tail` }), 's', 'line 1', new ProblemLog())!;
    expect(paper.title).toBe('x'.repeat(499));
  });

  it('leaves an ordinary record exactly as it was, with no problem', () => {
    const log = new ProblemLog();
    const original = record({ authors: ['A. Person'], url: 'https://example.org/p' });
    expect(boundPaper(original, 's', 'line 1', log)).toEqual(original);
    expect(log.counts().problemCount).toBe(0);
  });
});

describe('control characters', () => {
  it('strips a NUL and other C0/C1 controls from the title, and says how many', () => {
    const { items, problems } = parseJsonl(line({ title: 'Graph\u0000 networks\u0007 for \u009bwidgets' }), 's.jsonl');
    expect(items[0]!.title).toBe('Graph networks for widgets');
    expect(problems.map((p) => p.message)).toEqual(['removed 3 control characters']);
  });

  it('keeps newlines and tabs in an abstract, turns them into spaces in a title', () => {
    const { items } = parseJsonl(line({ title: 'Two\nlines', abstract: 'First.\n\tSecond.\r\nThird.' }), 's');
    expect(items[0]!.title).toBe('Two lines');
    expect(items[0]!.abstract).toBe('First.\n\tSecond.\nThird.');
  });

  it('strips them from daily-papers items and seed pages too', () => {
    const daily = parseDailyItems([{ paper: { id: '2306.13575', title: 'Scaling\u0000 MLPs', summary: 'Sum\u001bmary of it.' } }], 'api');
    expect(daily.items[0]).toMatchObject({ title: 'Scaling MLPs', abstract: 'Summary of it.' });
    const page = parseSeedPage(`Mar 12\n\nA NUL\u0000 title\n\n${'An abstract long enough to be one. '.repeat(10)}\n`, 'p.txt');
    expect(page.entries).toHaveLength(1);
  });

  it('rejects a record whose title is nothing but control characters', () => {
    const { items, unusable, problems } = parseJsonl(line({ title: '\u0000\u0001' }), 's');
    expect(items).toEqual([]);
    expect(unusable).toBe(1);
    expect(problems[0]!.message).toMatch(/title is empty/);
  });
});

describe('bounded problems', () => {
  it('keeps the first 100 problems of 200,000 bad lines, with their locations, and counts them all', () => {
    const text = `${'{}\n'.repeat(200_000)}${line()}\n`;
    const parsed = parseJsonl(text, 'garbage.jsonl');
    expect(parsed.items).toHaveLength(1);
    expect(parsed.problemCount).toBe(200_000);
    expect(parsed.unusable).toBe(200_000);
    expect(parsed.problems).toHaveLength(PROBLEMS_KEPT);
    expect(parsed.problems[99]).toMatchObject({ source: 'garbage.jsonl', location: 'line 100' });
  });

  it('loadSources: a source of 200,001 lines, nearly all garbage, next to the seeds is one line and skipped; the seeds load', async () => {
    const dir = sourcesDir();
    for (const name of readdirSync(SEEDS)) copyFileSync(join(SEEDS, name), join(dir, name));
    writeFileSync(join(dir, 'garbage.jsonl'), `${'{}\n'.repeat(200_000)}${line({ id: 'good-one' })}\n`);
    const loaded = await loadSources([dir]);
    expect(loaded.papers).toHaveLength(64);
    expect(loaded.papers.some((p) => p.id === 'good-one')).toBe(false);
    expect(loaded.problemCount).toBe(1);
    expect(loaded.problems).toEqual([
      {
        source: join(dir, 'garbage.jsonl'),
        location: 'line 1',
        message: expect.stringMatching(/^200,000 of 200,001 lines unusable, so the whole file was skipped; first: /),
      },
    ]);
  });

  it('loadSources: a file with a few bad lines keeps its good papers and lists every bad line', async () => {
    const dir = sourcesDir();
    writeFileSync(join(dir, 'mixed.jsonl'), `${line({ id: 'a', title: 'Alpha' })}\n{}\n${line({ id: 'b', title: 'Beta' })}\n{}\n`);
    const loaded = await loadSources([dir]);
    expect(loaded.papers.map((p) => p.id)).toEqual(['a', 'b']);
    expect(loaded.problems.map((p) => p.location)).toEqual(['line 2', 'line 4']);
  });
});

describe('conflicting duplicates', () => {
  it('names both records, where they are, and which title was kept', async () => {
    const dir = sourcesDir();
    writeFileSync(join(dir, 'a.jsonl'), `${line({ id: 'dup-1', title: 'Widgets for graphs' })}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${line({ id: 'other', title: 'Other' })}\n${line({ id: 'dup-1', title: 'Gadgets for trees' })}\n`);
    const loaded = await loadSources([dir]);
    expect(loaded.papers.find((p) => p.id === 'dup-1')?.title).toBe('Gadgets for trees');
    expect(loaded.problems).toEqual([
      {
        source: join(dir, 'b.jsonl'),
        location: 'line 2',
        message: `id dup-1 is also at ${join(dir, 'a.jsonl')}, line 1, titled "Widgets for graphs"; kept this record's title "Gadgets for trees"`,
      },
    ]);
  });

  it('says nothing when the titles differ only in case, spacing or punctuation', async () => {
    const dir = sourcesDir();
    writeFileSync(join(dir, 'a.jsonl'), `${line({ id: 'dup-1', title: 'Widgets: for graphs' })}\n${line({ id: 'dup-1', title: 'widgets for  GRAPHS' })}\n`);
    expect((await loadSources([dir])).problems).toEqual([]);
  });
});
