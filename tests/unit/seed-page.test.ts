import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSeedPage } from '../../src/papers/seed-page.js';
import { loadSources } from '../../src/papers/sources.js';
import { SEED_PAGE, SEEDS } from '../setup/paths.js';

const seed = readFileSync(SEED_PAGE, 'utf8');

describe('seed page parser', () => {
  it('finds all 64 papers with title, abstract, rank and the page date', () => {
    const page = parseSeedPage(seed, 'seed.txt');
    expect(page.problems).toEqual([]);
    expect(page.monthDay).toEqual({ month: 3, day: 12 });
    expect(page.entries).toHaveLength(64);
    expect(page.entries.map((e) => e.rank)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    const first = page.entries[0]!;
    expect(first.title).toBe('Fact Recall, Heuristics or Pure Guesswork? Precise Interpretations of Language Models for Fact Completion');
    expect(first.abstract).toMatch(/^Language models \(LMs\) can make a correct prediction/);
    expect(first.abstract).toMatch(/fact-related queries\.$/);
    expect(first.line).toBe(11);
    for (const entry of page.entries) expect(entry.abstract.length).toBeGreaterThan(entry.title.length);
  });

  it('gives the same papers for CRLF line endings and stray whitespace', () => {
    const messy = seed
      .split('\n')
      .map((line, i) => (i % 3 === 0 ? `  ${line}\t ` : line))
      .join('\r\n')
      .replace(/\r\n\r\n/g, '\r\n \r\n\r\n');
    const clean = parseSeedPage(seed, 's');
    const parsed = parseSeedPage(messy, 's');
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.title, e.abstract])).toEqual(clean.entries.map((e) => [e.title, e.abstract]));
  });

  it('reports a malformed block with its line number and skips only that block', () => {
    const lines = seed.split('\n');
    // Drop the abstract (line 17) of the second paper, leaving its title (line 15) orphaned.
    lines.splice(16, 2);
    const page = parseSeedPage(lines.join('\n'), 'seed.txt');
    expect(page.entries).toHaveLength(63);
    expect(page.problems).toHaveLength(1);
    expect(page.problems[0]).toMatchObject({ source: 'seed.txt', location: 'line 15' });
    expect(page.problems[0]!.message).toContain('Scaling MLPs');
    expect(page.entries[1]!.title).toBe('MAXIM: Multi-Axis MLP for Image Processing');
    expect(page.entries[1]!.rank).toBe(3);
  });

  it('reports an abstract without a title', () => {
    const text = ['Mar 12', '', 'Title one', '', 'x'.repeat(400), '', 'y '.repeat(200), ''].join('\n');
    const page = parseSeedPage(text, 'p');
    expect(page.entries).toHaveLength(1);
    expect(page.problems[0]!.location).toBe('line 7');
  });

  it('reports a missing date but still parses the papers', () => {
    const page = parseSeedPage(seed.replace('Mar 12', ''), 's');
    expect(page.monthDay).toBeUndefined();
    expect(page.entries).toHaveLength(64);
    expect(page.problems[0]!.message).toMatch(/date/);
  });

  it('survives empty and garbage input', () => {
    expect(parseSeedPage('', 's').entries).toEqual([]);
    expect(parseSeedPage('\u0000\u0001\n\n\n', 's').entries).toEqual([]);
  });
});

describe('seed sources', () => {
  it('gives seed papers their real arXiv ids and the list date 2025-03-12', async () => {
    const { papers, problems } = await loadSources([SEEDS]);
    expect(problems).toEqual([]);
    expect(papers).toHaveLength(64);
    expect(papers.every((p) => p.arxivId && p.id === p.arxivId)).toBe(true);
    const mlps = papers.find((p) => p.id === '2306.13575')!;
    expect(mlps.title).toBe('Scaling MLPs: A Tale of Inductive Bias');
    expect(mlps.listings).toEqual([{ date: '2025-03-12', rank: 2 }]);
  });

  it('falls back to slug ids without the id table, never inventing an arXiv id', async () => {
    const { papers } = await loadSources([SEED_PAGE]);
    expect(papers).toHaveLength(64);
    expect(papers.every((p) => p.arxivId === undefined && /^[a-z0-9-]+-[0-9a-f]{8}$/.test(p.id))).toBe(true);
    expect(new Set(papers.map((p) => p.id)).size).toBe(64);
  });
});
