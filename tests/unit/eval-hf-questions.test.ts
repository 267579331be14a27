import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isArxivId, normalizeTitle } from '../../src/papers/paper.js';
import { words } from '../../src/text/words.js';
import { ROOT } from '../setup/paths.js';

// The held-out realistic questions over the real Hugging Face days (see tests/eval/README.md).
const QUESTIONS = join(ROOT, 'tests/eval/hf-questions.jsonl');
// Read-only third-party data beside the project; absent on a clone without ../shared.
const HF_DAYS = join(ROOT, '../shared/realworld/hf-days');
const RUN = 4;

const entrySchema = z.object({
  question: z.string().min(1),
  expected: z.array(z.string().refine(isArxivId, 'is not an arXiv id')).min(1),
  topic: z.string().min(1),
  note: z.string().optional(),
});

const entries = readFileSync(QUESTIONS, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => entrySchema.parse(JSON.parse(line)));

/** Why a question leaks its answer's title: the whole title, or a run of RUN title words; else undefined. */
function titleLeak(question: string, title: string): string | undefined {
  const asked = ` ${normalizeTitle(question)} `;
  const titleWords = words(title);
  if (asked.includes(` ${titleWords.join(' ')} `)) return 'whole title';
  for (let i = 0; i + RUN <= titleWords.length; i++) {
    const run = titleWords.slice(i, i + RUN).join(' ');
    if (asked.includes(` ${run} `)) return `"${run}"`;
  }
  return undefined;
}

/** arXiv id → title of every paper in the saved daily-papers days. */
function hfTitles(): Map<string, string> {
  const titles = new Map<string, string>();
  for (const file of readdirSync(HF_DAYS).filter((name) => name.endsWith('.json'))) {
    const items = JSON.parse(readFileSync(join(HF_DAYS, file), 'utf8')) as { paper: { id: string; title: string } }[];
    for (const { paper } of items) titles.set(paper.id, paper.title);
  }
  return titles;
}

describe('hf-questions.jsonl shape', () => {
  it('holds at least 40 questions, each with arXiv ids and a topic', () => {
    expect(entries.length).toBeGreaterThanOrEqual(40);
  });

  it('asks no question twice', () => {
    const normalized = entries.map((e) => normalizeTitle(e.question));
    expect(new Set(normalized).size).toBe(normalized.length);
  });

  it('the title guard catches a copied title and a copied run of title words', () => {
    const title = 'Scaling MLPs: A Tale of Inductive Bias';
    expect(titleLeak('any paper on scaling mlps a tale of inductive bias?', title)).toBe('whole title');
    expect(titleLeak('is there a tale of inductive-bias in MLPs?', title)).toBe('"a tale of inductive"');
    expect(titleLeak('do plain MLPs get better with scale?', title)).toBeUndefined();
  });
});

describe.skipIf(!existsSync(HF_DAYS))(`hf-questions.jsonl against ${HF_DAYS} (skipped when that folder is absent)`, () => {
  const titles = existsSync(HF_DAYS) ? hfTitles() : new Map<string, string>();

  it('every expected id is a paper of the saved days', () => {
    const missing = entries.flatMap((e) => e.expected).filter((id) => !titles.has(id));
    expect(missing).toEqual([]);
  });

  it(`no question contains its answer's title or a run of ${RUN} of its title words`, () => {
    const leaks = entries.flatMap((e) =>
      e.expected.flatMap((id) => {
        const leak = titleLeak(e.question, titles.get(id) ?? '');
        return leak ? [`${id}: ${leak} in "${e.question}"`] : [];
      }),
    );
    expect(leaks).toEqual([]);
  });
});
