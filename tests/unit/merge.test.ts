import { describe, expect, it } from 'vitest';
import { dedupeSteps, mergePaper } from '../../src/papers/merge.js';
import type { Paper } from '../../src/papers/paper.js';
import { runToEnd } from '../../src/util/cooperative.js';

/** The step-by-step merge that loadSources runs, run to the end at once. */
const dedupePapers = (papers: Iterable<Paper>) => runToEnd(dedupeSteps(papers));

function paper(fields: Partial<Paper> & Pick<Paper, 'id' | 'title'>): Paper {
  return { abstract: `Abstract of ${fields.title}.`, source: 'test', ...fields };
}

describe('mergePaper', () => {
  it('lets the newer record win for every field it has', () => {
    const older = paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Old title', upvotes: 3, aiSummary: 'old', source: 'a' });
    const newer = paper({ id: '2306.13575', arxivId: '2306.13575', title: 'New title', upvotes: 40, source: 'b' });
    const merged = mergePaper(older, newer);
    expect(merged.title).toBe('New title');
    expect(merged.upvotes).toBe(40);
    expect(merged.source).toBe('b');
    expect(merged.aiSummary).toBe('old');
  });

  it('does not let an undefined field of the newer record erase the older value', () => {
    const older = paper({ id: 'x', title: 'T', upvotes: 9, githubUrl: 'https://github.com/a/b' });
    const newer = { ...paper({ id: 'x', title: 'T' }), upvotes: undefined, githubUrl: undefined };
    const merged = mergePaper(older, newer);
    expect(merged.upvotes).toBe(9);
    expect(merged.githubUrl).toBe('https://github.com/a/b');
  });

  it('never loses the arXiv id when the newer record lacks it, and keeps it as the id', () => {
    const older = paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs' });
    const newer = paper({ id: 'scaling-mlps-1234abcd', title: 'Scaling MLPs', upvotes: 5 });
    const merged = mergePaper(older, newer);
    expect(merged.arxivId).toBe('2306.13575');
    expect(merged.id).toBe('2306.13575');
    expect(merged.upvotes).toBe(5);
  });

  it('adopts the arXiv id of the newer record when the older one had none', () => {
    const older = paper({ id: 'scaling-mlps-1234abcd', title: 'Scaling MLPs' });
    const newer = paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs' });
    const merged = mergePaper(older, newer);
    expect(merged.id).toBe('2306.13575');
    expect(merged.arxivId).toBe('2306.13575');
  });

  it('combines listings from both records, sorted by date, one per date', () => {
    const older = paper({ id: 'x', title: 'T', listings: [{ date: '2025-03-12', rank: 4 }, { date: '2025-03-10', rank: 9 }] });
    const newer = paper({ id: 'x', title: 'T', listings: [{ date: '2025-03-11', rank: 1 }, { date: '2025-03-12', rank: 2 }] });
    expect(mergePaper(older, newer).listings).toEqual([
      { date: '2025-03-10', rank: 9 },
      { date: '2025-03-11', rank: 1 },
      { date: '2025-03-12', rank: 2 },
    ]);
    expect(mergePaper(paper({ id: 'x', title: 'T' }), paper({ id: 'x', title: 'T' })).listings).toBeUndefined();
  });
});

describe('dedupePapers', () => {
  it('merges duplicates by id', () => {
    const papers = dedupePapers([
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs', upvotes: 1 }),
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs: A Tale of Inductive Bias', upvotes: 7 }),
    ]);
    expect(papers).toHaveLength(1);
    expect(papers[0]!.upvotes).toBe(7);
    expect(papers[0]!.title).toBe('Scaling MLPs: A Tale of Inductive Bias');
  });

  it('merges duplicates whose titles differ only in case, punctuation and accents', () => {
    const papers = dedupePapers([
      paper({ id: 'a-1', title: 'Café Models: Naïve Bayes, Revisited!' }),
      paper({ id: 'b-2', title: 'cafe models -- naive bayes revisited' }),
      paper({ id: 'c-3', title: 'CAFÉ   MODELS: NAÏVE BAYES; REVISITED' }),
    ]);
    expect(papers).toHaveLength(1);
    expect(papers[0]!.id).toBe('a-1');
    expect(papers[0]!.title).toBe('CAFÉ   MODELS: NAÏVE BAYES; REVISITED');
  });

  it('keeps first-seen order, with later duplicates folded into their first slot', () => {
    const papers = dedupePapers([
      paper({ id: 'one', title: 'First' }),
      paper({ id: 'two', title: 'Second' }),
      paper({ id: 'three', title: 'Third' }),
      paper({ id: 'one', title: 'First', upvotes: 100 }),
      paper({ id: 'four', title: 'second' }),
    ]);
    expect(papers.map((p) => p.id)).toEqual(['one', 'two', 'three']);
    expect(papers[0]!.upvotes).toBe(100);
  });

  it('takes the newer upvotes and combines the listings of both days', () => {
    const papers = dedupePapers([
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs', upvotes: 10, listings: [{ date: '2025-03-12', rank: 2 }] }),
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs', upvotes: 25, listings: [{ date: '2025-03-11', rank: 5 }] }),
    ]);
    expect(papers).toHaveLength(1);
    expect(papers[0]!.upvotes).toBe(25);
    expect(papers[0]!.listings).toEqual([
      { date: '2025-03-11', rank: 5 },
      { date: '2025-03-12', rank: 2 },
    ]);
  });

  it('keeps the arXiv id when a later title match has only a slug id', () => {
    const papers = dedupePapers([
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'Scaling MLPs: A Tale of Inductive Bias' }),
      paper({ id: 'scaling-mlps-a-tale-of-inductive-bias-0badc0de', title: 'Scaling MLPs - a tale of inductive bias', upvotes: 3 }),
    ]);
    expect(papers).toHaveLength(1);
    expect(papers[0]!.id).toBe('2306.13575');
    expect(papers[0]!.arxivId).toBe('2306.13575');
    expect(papers[0]!.upvotes).toBe(3);
  });

  it('finds a paper by its new arXiv id after a slug-id record was upgraded by title', () => {
    const papers = dedupePapers([
      paper({ id: 'scaling-mlps-0badc0de', title: 'Scaling MLPs' }),
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'scaling mlps' }),
      paper({ id: '2306.13575', arxivId: '2306.13575', title: 'A retitled version', upvotes: 99 }),
    ]);
    expect(papers).toHaveLength(1);
    expect(papers[0]).toMatchObject({ id: '2306.13575', title: 'A retitled version', upvotes: 99 });
  });

  it('leaves distinct papers alone and accepts any iterable', () => {
    function* gen() {
      yield paper({ id: 'a', title: 'Alpha' });
      yield paper({ id: 'b', title: 'Beta' });
    }
    expect(dedupePapers(gen()).map((p) => p.id)).toEqual(['a', 'b']);
    expect(dedupePapers([])).toEqual([]);
  });
});
