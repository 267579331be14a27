import { describe, expect, it } from 'vitest';
import { jsonlSteps } from '../../src/papers/jsonl.js';
import { runToEnd } from '../../src/util/cooperative.js';

/** The step-by-step parser that loadSources runs, run to the end at once. */
const parseJsonl = (text: string, source: string) => runToEnd(jsonlSteps(text, source));

const minimal = { id: 'my-paper', title: 'A Paper', abstract: 'It does things.', source: 'hand' };

function line(record: object): string {
  return JSON.stringify(record);
}

describe('parseJsonl', () => {
  it('parses a minimal record and keeps a non-arXiv id as it is', () => {
    const { items, problems } = parseJsonl(line(minimal), 'papers.jsonl');
    expect(problems).toEqual([]);
    expect(items).toEqual([{ ...minimal, id: 'my-paper', arxivId: undefined }]);
  });

  it('keeps every optional field of a full record', () => {
    const full = {
      id: '2306.13575',
      title: 'Scaling MLPs: A Tale of Inductive Bias',
      abstract: 'In this work we revisit the most fundamental building block in deep learning.',
      authors: ['Gregor Bachmann', 'Sotiris Anagnostidis', 'Thomas Hofmann'],
      published: '2023-06-23',
      url: 'https://example.org/mlps',
      upvotes: 12,
      source: 'hf',
      arxivId: '2306.13575',
      listings: [{ date: '2025-03-12', rank: 2 }],
      aiSummary: 'MLPs scale.',
      githubUrl: 'https://github.com/gregorbachmann/scaling_mlps',
      projectUrl: 'https://example.org/project',
    };
    const { items, problems } = parseJsonl(line(full), 's');
    expect(problems).toEqual([]);
    expect(items).toEqual([full]);
  });

  it('detects the arXiv id from the id field, stripping the version', () => {
    const { items } = parseJsonl(line({ ...minimal, id: '2306.13575v3' }), 's');
    expect(items[0]!.arxivId).toBe('2306.13575');
    expect(items[0]!.id).toBe('2306.13575');
  });

  it('detects the arXiv id from the arxivId field and makes it the id', () => {
    const { items } = parseJsonl(line({ ...minimal, id: 'local-1', arxivId: 'arXiv:2410.14405v1' }), 's');
    expect(items[0]!.arxivId).toBe('2410.14405');
    expect(items[0]!.id).toBe('2410.14405');
  });

  it('detects the arXiv id from an arxiv.org abs or pdf url', () => {
    const text = [
      line({ ...minimal, id: 'a', url: 'https://arxiv.org/abs/2306.13575v2' }),
      line({ ...minimal, id: 'b', title: 'B', url: 'https://arxiv.org/pdf/2410.14405.pdf' }),
      line({ ...minimal, id: 'c', title: 'C', url: 'https://example.org/abs/2410.14405' }),
    ].join('\n');
    const { items, problems } = parseJsonl(text, 's');
    expect(problems).toEqual([]);
    expect(items.map((p) => [p.id, p.arxivId])).toEqual([
      ['2306.13575', '2306.13575'],
      ['2410.14405', '2410.14405'],
      ['c', undefined],
    ]);
  });

  it('reports a line that is not JSON with its line number and still parses the others', () => {
    const text = [line(minimal), '{"id": "broken",', line({ ...minimal, id: 'second' })].join('\n');
    const { items, problems } = parseJsonl(text, 'papers.jsonl');
    expect(items.map((p) => p.id)).toEqual(['my-paper', 'second']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: 'papers.jsonl', location: 'line 2' });
    expect(problems[0]!.message).toMatch(/not valid JSON/);
  });

  it('reports a schema-invalid line naming the field, and skips only that line', () => {
    const text = [line({ ...minimal, title: '   ' }), line(minimal), line({ ...minimal, id: 'x', upvotes: -1 })].join('\n');
    const { items, problems } = parseJsonl(text, 's');
    expect(items).toHaveLength(1);
    expect(problems.map((p) => p.location)).toEqual(['line 1', 'line 3']);
    expect(problems[0]!.message).toContain('title');
    expect(problems[1]!.message).toContain('upvotes');
  });

  it('rejects an invalid arxivId field instead of dropping it silently', () => {
    const { items, problems } = parseJsonl(line({ ...minimal, arxivId: 'not-an-id' }), 's');
    expect(items).toEqual([]);
    expect(problems[0]!.message).toContain('arxivId');
  });

  it('handles CRLF line endings and counts lines the same way', () => {
    const text = [line(minimal), 'nonsense', line({ ...minimal, id: 'two' }), ''].join('\r\n');
    const { items, problems } = parseJsonl(text, 's');
    expect(items.map((p) => p.id)).toEqual(['my-paper', 'two']);
    expect(items[0]!.source).toBe('hand');
    expect(problems.map((p) => p.location)).toEqual(['line 2']);
  });

  it('ignores blank and whitespace-only lines but keeps their line numbers', () => {
    const text = ['', '   ', line(minimal), '\t', '', '{bad'].join('\n');
    const { items, problems } = parseJsonl(text, 's');
    expect(items).toHaveLength(1);
    expect(problems.map((p) => p.location)).toEqual(['line 6']);
    expect(parseJsonl('\n\n  \n', 's')).toEqual({ items: [], locations: [], problems: [], problemCount: 0, unusable: 0 });
  });

  it('rejects ids with spaces or over 64 characters', () => {
    const text = [line({ ...minimal, id: 'has space' }), line({ ...minimal, id: 'x'.repeat(65) }), line({ ...minimal, id: '' })].join('\n');
    const { items, problems } = parseJsonl(text, 's');
    expect(items).toEqual([]);
    expect(problems.map((p) => p.location)).toEqual(['line 1', 'line 2', 'line 3']);
    for (const problem of problems) expect(problem.message).toMatch(/^id: /);
  });
});
