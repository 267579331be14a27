import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { idsByNormalizedTitle, parseArxivIdTable } from '../../src/papers/arxiv-ids.js';
import { SEEDS } from '../setup/paths.js';

describe('arXiv id tables', () => {
  it('reads rank, id and title, skipping the header row', () => {
    const text = 'listing_rank\tarxiv_id\ttitle\n1\t2410.14405\tFact Recall\n2\t2306.13575v2\tScaling MLPs: A Tale of Inductive Bias\n';
    const { items, problems } = parseArxivIdTable(text, 'ids.tsv');
    expect(problems).toEqual([]);
    expect(items).toEqual([
      { rank: 1, arxivId: '2410.14405', title: 'Fact Recall' },
      { rank: 2, arxivId: '2306.13575', title: 'Scaling MLPs: A Tale of Inductive Bias' },
    ]);
  });

  it('works without a header and with CRLF line endings', () => {
    const { items, problems } = parseArxivIdTable('3\thep-th/9901001\tOld Paper\r\n\r\n4\t2502.02732\tNew Paper\r\n', 's');
    expect(problems).toEqual([]);
    expect(items.map((r) => r.arxivId)).toEqual(['hep-th/9901001', '2502.02732']);
  });

  it('treats a header-like line only on the first line as the header', () => {
    const { items, problems } = parseArxivIdTable('1\t2410.14405\tA\nrank\tarxiv_id\ttitle\n', 's');
    expect(items).toHaveLength(1);
    expect(problems.map((p) => p.location)).toEqual(['line 2']);
  });

  it('keeps tabs inside the title and leaves a non-numeric rank undefined', () => {
    const { items } = parseArxivIdTable('-\t2410.14405\tPart\tTwo ', 's');
    expect(items).toEqual([{ rank: undefined, arxivId: '2410.14405', title: 'Part\tTwo' }]);
  });

  it('reports rows with a bad id, a missing title or too few columns by line number', () => {
    const text = ['listing_rank\tarxiv_id\ttitle', '1\t2410.14405\tGood', '2\tnot-an-id\tBad id', '3\t2306.13575\t  ', 'just one column', '5\t2502.02732\tAlso good'].join('\n');
    const { items, problems } = parseArxivIdTable(text, 'ids.tsv');
    expect(items.map((r) => r.title)).toEqual(['Good', 'Also good']);
    expect(problems.map((p) => p.location)).toEqual(['line 3', 'line 4', 'line 5']);
    for (const problem of problems) {
      expect(problem.source).toBe('ids.tsv');
      expect(problem.message).toMatch(/arXiv id/);
    }
  });

  it('parses the real seed table: 64 rows, ranks 1 to 64, no problems', () => {
    const text = readFileSync(`${SEEDS}/seed-arxiv-ids.tsv`, 'utf8');
    const { items, problems } = parseArxivIdTable(text, 'seed-arxiv-ids.tsv');
    expect(problems).toEqual([]);
    expect(items).toHaveLength(64);
    expect(items.map((r) => r.rank)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    expect(items[1]).toEqual({ rank: 2, arxivId: '2306.13575', title: 'Scaling MLPs: A Tale of Inductive Bias' });
    expect(new Set(items.map((r) => r.arxivId)).size).toBe(64);
  });

  it('maps normalized titles to ids', () => {
    const ids = idsByNormalizedTitle([{ arxivId: '2306.13575', title: 'Scaling MLPs: A Tale of Inductive Bias' }]);
    expect(ids.get('scaling mlps a tale of inductive bias')).toBe('2306.13575');
  });
});
