import { describe, expect, it } from 'vitest';
import { isArxivId, normalizeTitle, paperDate, paperLinks, parseArxivId, slugId, type Paper } from '../../src/papers/paper.js';

function paper(fields: Partial<Paper> = {}): Paper {
  return { id: 'p', title: 'Scaling MLPs: A Tale of Inductive Bias', abstract: 'A.', source: 's', ...fields };
}

describe('parseArxivId', () => {
  it('accepts modern ids with four and five digit numbers', () => {
    expect(parseArxivId('2306.13575')).toBe('2306.13575');
    expect(parseArxivId('0704.0001')).toBe('0704.0001');
  });

  it('strips version suffixes, an arXiv: prefix and surrounding whitespace', () => {
    expect(parseArxivId('2306.13575v2')).toBe('2306.13575');
    expect(parseArxivId('arXiv:2306.13575')).toBe('2306.13575');
    expect(parseArxivId('ARXIV:2306.13575v11')).toBe('2306.13575');
    expect(parseArxivId('  2410.14405v1 \n')).toBe('2410.14405');
  });

  it('accepts legacy archive/number ids, with or without a subject class', () => {
    expect(parseArxivId('hep-th/9901001')).toBe('hep-th/9901001');
    expect(parseArxivId('hep-th/9901001v3')).toBe('hep-th/9901001');
    expect(parseArxivId('math.AG/0309136')).toBe('math.AG/0309136');
    expect(parseArxivId('cs/0112017')).toBe('cs/0112017');
  });

  it('rejects junk', () => {
    for (const junk of ['', '   ', 'hello', '2306.135', '2306.135755', '23061.3575', 'v2', 'arXiv:', '2306.13575x', 'hep-th/990100', 'https://arxiv.org/abs/2306.13575', '2306.13575 extra']) {
      expect(parseArxivId(junk), junk).toBeUndefined();
    }
    expect(isArxivId('2306.13575v2')).toBe(false);
  });
});

describe('normalizeTitle', () => {
  it('lower-cases, drops accents and punctuation, and collapses spaces', () => {
    expect(normalizeTitle('  Café Models: Naïve   Bayes, Revisited!  ')).toBe('cafe models naive bayes revisited');
    expect(normalizeTitle('GPT-4o & the "Long-Context" Problem')).toBe('gpt 4o the long context problem');
  });

  it('keeps letters of other scripts and digits', () => {
    expect(normalizeTitle('Größe 3D — Модель')).toBe('große 3d модель');
    expect(normalizeTitle('!!!')).toBe('');
  });
});

describe('slugId', () => {
  it('is stable for the same title and for titles that normalize equal', () => {
    expect(slugId('Scaling MLPs: A Tale of Inductive Bias')).toBe(slugId('Scaling MLPs: A Tale of Inductive Bias'));
    expect(slugId('Scaling MLPs: A Tale of Inductive Bias')).toBe(slugId('scaling mlps -- a tale of inductive bias'));
  });

  it('reads as title words followed by an 8-hex-digit hash', () => {
    expect(slugId('Scaling MLPs: A Tale of Inductive Bias')).toMatch(/^scaling-mlps-a-tale-of-inductive-bias-[0-9a-f]{8}$/);
  });

  it('differs for different titles, even ones sharing the first 48 characters', () => {
    const stem = 'A Very Long Title About Transformers And Their Many Uses In Practice';
    const a = slugId(`${stem} Part One`);
    const b = slugId(`${stem} Part Two`);
    expect(a).not.toBe(b);
    expect(a.slice(0, -9)).toBe(b.slice(0, -9));
    expect(slugId('Alpha')).not.toBe(slugId('Beta'));
  });

  it('stays within 57 characters and uses only lower-case letters, digits and hyphens', () => {
    const titles = [
      'A Very Long Title About Transformers And Their Many Uses In Practice And Theory Alike',
      'Supercalifragilisticexpialidocious-Pneumonoultramicroscopicsilicovolcanoconiosis Networks',
      'Größe Über Alles: Ünïcödé Tïtlés',
      'Модель без латиницы',
      '!!!',
      '',
    ];
    for (const title of titles) {
      const id = slugId(title);
      expect(id.length, title).toBeLessThanOrEqual(57);
      expect(id, title).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('falls back to "paper" when the title has no latin words', () => {
    expect(slugId('Модель без латиницы')).toMatch(/^paper-[0-9a-f]{8}$/);
  });
});

describe('paperLinks', () => {
  it('gives an arXiv paper abs, pdf and Hugging Face links, with abs as primary', () => {
    const links = paperLinks(paper({ arxivId: '2306.13575', githubUrl: 'https://github.com/a/b', projectUrl: 'https://p.example' }));
    expect(links).toEqual({
      primary: 'https://arxiv.org/abs/2306.13575',
      arxiv: 'https://arxiv.org/abs/2306.13575',
      pdf: 'https://arxiv.org/pdf/2306.13575',
      huggingFace: 'https://huggingface.co/papers/2306.13575',
      github: 'https://github.com/a/b',
      project: 'https://p.example',
    });
  });

  it('gives a paper without an id search links and its own url as primary', () => {
    const links = paperLinks(paper({ url: 'https://example.org/paper.pdf' }));
    expect(links.primary).toBe('https://example.org/paper.pdf');
    expect(links.arxivSearch).toBe('https://arxiv.org/search/?query=Scaling%20MLPs%3A%20A%20Tale%20of%20Inductive%20Bias&searchtype=title');
    expect(links.scholarSearch).toBe('https://scholar.google.com/scholar?q=Scaling%20MLPs%3A%20A%20Tale%20of%20Inductive%20Bias');
    expect(links.arxiv).toBeUndefined();
    expect(links.pdf).toBeUndefined();
    expect(links.huggingFace).toBeUndefined();
  });

  it('uses the arXiv title search as primary when a paper has neither id nor url', () => {
    const links = paperLinks(paper({ title: 'Q&A #1?' }));
    expect(links.primary).toBe(links.arxivSearch);
    expect(links.primary).toBe('https://arxiv.org/search/?query=Q%26A%20%231%3F&searchtype=title');
  });

  it('never produces an arxiv.org/abs link without an arXiv id', () => {
    for (const p of [paper(), paper({ url: 'https://example.org/x' }), paper({ id: '2306.13575' })]) {
      expect(Object.values(paperLinks(p)).some((link) => link?.includes('arxiv.org/abs'))).toBe(false);
    }
  });
});

describe('paperDate', () => {
  it('takes the latest listing date', () => {
    const listings = [{ date: '2025-03-12', rank: 1 }, { date: '2025-04-01', rank: 3 }, { date: '2025-03-20', rank: 2 }];
    expect(paperDate(paper({ listings, published: '2023-06-23T17:59:56.000Z' }))).toBe('2025-04-01');
  });

  it('falls back to the publication date, cut to YYYY-MM-DD', () => {
    expect(paperDate(paper({ published: '2023-06-23T17:59:56.000Z' }))).toBe('2023-06-23');
    expect(paperDate(paper({ published: '2023-06-23T17:59:56.000Z', listings: [] }))).toBe('2023-06-23');
  });

  it('is undefined with neither', () => {
    expect(paperDate(paper())).toBeUndefined();
  });
});
