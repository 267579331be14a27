import { describe, expect, it } from 'vitest';
import { mapDailyItem, parseDailyItems, parseDailyPapersFile, type DailyItem } from '../../src/papers/hf-daily.js';

/** An item shaped like one entry of https://huggingface.co/api/daily_papers. */
function dailyItem(id: string, title: string, extra: Record<string, unknown> = {}) {
  return {
    paper: {
      id,
      authors: [
        { _id: '6580a1', name: 'Gregor Bachmann', hidden: false },
        { _id: '6580a2', name: 'Sotiris Anagnostidis', hidden: false },
      ],
      publishedAt: '2023-06-23T17:59:56.000Z',
      title,
      summary: `  We study ${title.toLowerCase()}\n  across   many settings.\n`,
      upvotes: 42,
      discussionId: '64966d1f',
      ai_summary: '  MLPs scale well with data.  ',
      ai_keywords: ['MLP', 'inductive bias'],
      githubRepo: 'https://github.com/gregorbachmann/scaling_mlps',
      githubStars: 398,
      projectPage: 'https://example.org/scaling-mlps',
      ...extra,
    },
    publishedAt: '2025-03-11T08:15:00.000Z',
    title,
    summary: 'top-level summary',
    thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png`,
    numComments: 3,
    submittedBy: { _id: '60f1', avatarUrl: 'https://example.org/a.png', fullname: 'AK', name: 'akhaliq', type: 'user' },
    isAuthorParticipating: false,
  };
}

describe('Hugging Face daily papers', () => {
  it('maps an item to a Paper with links, upvotes, authors and the AI summary', () => {
    const { items, problems } = parseDailyItems([dailyItem('2306.13575', 'Scaling  MLPs:\n A Tale of Inductive Bias')], 'hf', '2025-03-12');
    expect(problems).toEqual([]);
    expect(items).toEqual([
      {
        id: '2306.13575',
        arxivId: '2306.13575',
        title: 'Scaling MLPs: A Tale of Inductive Bias',
        abstract: 'We study scaling mlps: a tale of inductive bias across many settings.',
        authors: ['Gregor Bachmann', 'Sotiris Anagnostidis'],
        published: '2023-06-23T17:59:56.000Z',
        upvotes: 42,
        source: 'hf',
        listings: [{ date: '2025-03-12', rank: 1 }],
        aiSummary: 'MLPs scale well with data.',
        githubUrl: 'https://github.com/gregorbachmann/scaling_mlps',
        projectUrl: 'https://example.org/scaling-mlps',
      },
    ]);
  });

  it('gives each item its 1-based position on the list as rank', () => {
    const json = [dailyItem('2410.14405', 'Fact Recall'), dailyItem('2306.13575', 'Scaling MLPs'), dailyItem('2502.02732', 'Third')];
    const { items } = parseDailyItems(json, 'hf', '2025-03-12');
    expect(items.map((p) => [p.id, p.listings?.[0]?.rank])).toEqual([
      ['2410.14405', 1],
      ['2306.13575', 2],
      ['2502.02732', 3],
    ]);
  });

  it('takes the list date from a file named YYYY-MM-DD.json', () => {
    const text = JSON.stringify([dailyItem('2306.13575', 'Scaling MLPs')]);
    const { items, problems } = parseDailyPapersFile(text, '/data/daily/2025-03-12.json');
    expect(problems).toEqual([]);
    expect(items[0]!.listings).toEqual([{ date: '2025-03-12', rank: 1 }]);
  });

  it('falls back to the day the item was posted when the file name has no date', () => {
    const text = JSON.stringify([dailyItem('2306.13575', 'Scaling MLPs')]);
    const { items } = parseDailyPapersFile(text, '/data/daily/latest.json');
    expect(items[0]!.listings).toEqual([{ date: '2025-03-11', rank: 1 }]);
  });

  it('leaves listings undefined when no date is known at all', () => {
    const item = dailyItem('2306.13575', 'Scaling MLPs') as Partial<ReturnType<typeof dailyItem>>;
    delete item.publishedAt;
    const { items } = parseDailyItems([item], 'hf');
    expect(items).toHaveLength(1);
    expect(items[0]!.listings).toBeUndefined();
  });

  it('strips the version from the paper id', () => {
    const { items } = parseDailyItems([dailyItem('2306.13575v2', 'Scaling MLPs')], 'hf', '2025-03-12');
    expect(items[0]!.id).toBe('2306.13575');
    expect(items[0]!.arxivId).toBe('2306.13575');
  });

  it('drops malformed optional fields instead of the whole paper', () => {
    const item = dailyItem('2306.13575', 'Scaling MLPs', { githubRepo: 'not a url', upvotes: -3, authors: 'nobody', ai_summary: '   ' });
    const { items, problems } = parseDailyItems([item], 'hf', '2025-03-12');
    expect(problems).toEqual([]);
    expect(items[0]).toMatchObject({ id: '2306.13575', title: 'Scaling MLPs' });
    expect(items[0]!.githubUrl).toBeUndefined();
    expect(items[0]!.upvotes).toBeUndefined();
    expect(items[0]!.authors).toBeUndefined();
    expect(items[0]!.aiSummary).toBeUndefined();
    expect(items[0]!.projectUrl).toBe('https://example.org/scaling-mlps');
  });

  it('skips an item without `paper` and reports it by position, keeping the others', () => {
    const broken = { ...dailyItem('2410.14405', 'Fact Recall'), paper: undefined };
    const json = [dailyItem('2306.13575', 'Scaling MLPs'), broken, dailyItem('2502.02732', 'Third')];
    const { items, problems } = parseDailyItems(json, 'daily.json', '2025-03-12');
    expect(items.map((p) => p.id)).toEqual(['2306.13575', '2502.02732']);
    expect(items.map((p) => p.listings![0]!.rank)).toEqual([1, 3]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: 'daily.json', location: 'item 2' });
    expect(problems[0]!.message).toContain('paper');
  });

  it('skips an item whose paper id is not an arXiv id', () => {
    const { items, problems } = parseDailyItems([dailyItem('not-arxiv', 'X')], 'hf');
    expect(items).toEqual([]);
    expect(problems[0]).toMatchObject({ location: 'item 1' });
    expect(problems[0]!.message).toMatch(/paper\.id: is not an arXiv id/);
  });

  it('reports a top-level value that is not an array', () => {
    const result = parseDailyItems({ papers: [] }, 'hf');
    expect(result.items).toEqual([]);
    expect(result.problems).toEqual([{ source: 'hf', location: 'top level', message: expect.stringContaining('JSON array') }]);
    expect(parseDailyPapersFile('{"a":1}', 'x.json').problems[0]!.location).toBe('top level');
  });

  it('reports malformed JSON text without throwing', () => {
    const { items, problems } = parseDailyPapersFile('[{"paper": ', '2025-03-12.json');
    expect(items).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: '2025-03-12.json', location: 'top level' });
    expect(problems[0]!.message).toMatch(/^not valid JSON/);
  });

  it('mapDailyItem prefers the given list date over the posting day', () => {
    const item: DailyItem = {
      publishedAt: '2025-03-11T08:00:00Z',
      paper: { id: '2306.13575', title: 'T', summary: 'S' },
    };
    expect(mapDailyItem(item, 7, 'src', '2025-03-12').listings).toEqual([{ date: '2025-03-12', rank: 7 }]);
    expect(mapDailyItem(item, 7, 'src').listings).toEqual([{ date: '2025-03-11', rank: 7 }]);
    expect(mapDailyItem(item, 7, 'src').source).toBe('src');
  });
});
