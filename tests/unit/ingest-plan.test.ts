import { describe, expect, it } from 'vitest';
import { planIngest, storedName, storedText, type LiveIndex } from '../../src/cli/ingest-plan.js';
import type { Paper } from '../../src/papers/paper.js';

const paper = (id: string, abstract = `About ${id}.`): Paper => ({ id, title: `Title ${id}`, abstract, source: 't' });
const hash = (p: Paper) => `h:${p.abstract}`;
const live = (papers: Paper[]): LiveIndex => ({
  textById: new Map(papers.map((p) => [p.id, hash(p)])),
  idByTitle: new Map(papers.map((p) => [p.title.toLowerCase(), p.id])),
});

describe('storedName', () => {
  it('gives two files of the same name in different folders different stored names', () => {
    const x = storedName('/d/in/x/papers.jsonl', 'jsonl');
    const y = storedName('/d/in/y/papers.jsonl', 'jsonl');
    expect(x).not.toBe(y);
    expect(x).toMatch(/^papers-[0-9a-f]{8}\.jsonl$/);
    expect(y).toMatch(/^papers-[0-9a-f]{8}\.jsonl$/);
  });

  it('gives a day page and a day response of the same date different stored names', () => {
    expect(storedName('/d/2025-03-12.txt', 'seed-page')).not.toBe(storedName('/d/2025-03-12.json', 'daily-papers'));
  });

  it('gives the same file the same stored name every time, so a re-ingest replaces its own copy', () => {
    expect(storedName('/d/in/x/papers.jsonl', 'jsonl')).toBe(storedName('/d/in/x/papers.jsonl', 'jsonl'));
  });
});

describe('planIngest', () => {
  const base = { file: 'x.jsonl', target: 'data/ingested/x-1.jsonl', textHash: hash };

  it('counts new papers, papers indexed with another text (updated) and papers indexed as they are', () => {
    const indexed = [paper('a'), paper('b')];
    const plan = planIngest({ ...base, papers: [paper('a'), paper('b', 'New text.'), paper('c')], live: live(indexed), storedPapers: [] });
    expect(plan).toMatchObject({ papers: 3, added: 1, updated: 1, kept: 1, dropped: 0, write: true });
  });

  it('finds a paper in the index by title when its id differs', () => {
    const plan = planIngest({ ...base, papers: [{ ...paper('a'), id: 'other-id' }], live: live([paper('a')]), storedPapers: [] });
    expect(plan).toMatchObject({ added: 0, kept: 1 });
  });

  it("counts papers of the file's previous copy that the file no longer has", () => {
    const previous = [paper('a'), paper('gone')];
    const plan = planIngest({ ...base, papers: [paper('a')], live: live(previous), stored: storedText(previous), storedPapers: previous });
    expect(plan).toMatchObject({ dropped: 1, kept: 1, write: true });
  });

  it('writes nothing when the stored copy already holds exactly these papers', () => {
    const papers = [paper('a'), paper('b')];
    const plan = planIngest({ ...base, papers, live: live(papers), stored: storedText(papers), storedPapers: papers });
    expect(plan).toMatchObject({ added: 0, updated: 0, dropped: 0, kept: 2, write: false });
  });
});
