import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Paper } from '../papers/paper.js';
import { describeZodError } from '../util/zod-issues.js';

/** One SciFact claim, with the abstracts cited for it and their annotated rationale sentences. */
export interface Claim {
  id: string;
  text: string;
  /** Doc ids judged relevant (qrels.tsv, BEIR's relevance). */
  relevant: Set<string>;
  /** Rationale sentences per evidence doc id (evidence.jsonl, all evidence sets joined). */
  rationales: Map<string, string[]>;
}

export interface SciFact {
  papers: Paper[];
  claims: Claim[];
}

/**
 * The first train claims are held out of tuning (`npm run eval -- --tune`, `--calibrate`): the
 * quality tests check the model on them, so that check is on data the weights were not chosen by.
 */
export const QUALITY_CLAIMS = 40;

/** SciFact's `dev` split is BEIR's test set; `train` is for tuning. */
export type SciFactSplit = 'dev' | 'train';

const docSchema = z.object({ id: z.string().min(1), title: z.string().min(1), abstract: z.string().min(1) });
const querySchema = z.object({ id: z.string().min(1), q: z.string().min(1), split: z.enum(['train', 'dev']) });
const evidenceSchema = z.object({ query_id: z.string(), doc_id: z.string(), sentences: z.array(z.string()) });

function jsonLines<T>(text: string, schema: z.ZodType<T>, name: string): T[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim())
    .map(({ line, i }) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${name}, line ${i + 1}: ${describeZodError(parsed.error)}`);
      return parsed.data;
    });
}

export interface SciFactFiles {
  corpus: string;
  queries: string;
  qrels: string;
  evidence: string;
}

/**
 * The abstracts as Paper records (id = doc id; the abstract is SciFact's sentences joined by spaces,
 * as the corpus stores it) and the claims of one split that have relevance judgements.
 */
export function parseSciFact(files: SciFactFiles, split: SciFactSplit): SciFact {
  const papers = jsonLines(files.corpus, docSchema, 'corpus.jsonl').map(
    (doc): Paper => ({ id: doc.id, title: doc.title, abstract: doc.abstract, source: 'scifact' }),
  );
  const relevant = new Map<string, Set<string>>();
  for (const line of files.qrels.split('\n')) {
    const [queryId, docId] = line.trim().split('\t');
    if (!queryId || !docId) continue;
    if (!relevant.has(queryId)) relevant.set(queryId, new Set());
    relevant.get(queryId)!.add(docId);
  }
  const rationales = new Map<string, Map<string, string[]>>();
  for (const e of jsonLines(files.evidence, evidenceSchema, 'evidence.jsonl')) {
    const byDoc = rationales.get(e.query_id) ?? new Map<string, string[]>();
    byDoc.set(e.doc_id, [...(byDoc.get(e.doc_id) ?? []), ...e.sentences]);
    rationales.set(e.query_id, byDoc);
  }
  const claims = jsonLines(files.queries, querySchema, 'queries.jsonl')
    .filter((q) => q.split === split && relevant.has(q.id))
    .map((q): Claim => ({ id: q.id, text: q.q, relevant: relevant.get(q.id)!, rationales: rationales.get(q.id) ?? new Map() }));
  return { papers, claims };
}

export function readSciFact(dir: string, split: SciFactSplit): SciFact {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return parseSciFact({ corpus: read('corpus.jsonl'), queries: read('queries.jsonl'), qrels: read('qrels.tsv'), evidence: read('evidence.jsonl') }, split);
}

/**
 * A smaller SciFact for development: the first `claims` claims, and at most `docs` abstracts that
 * always include those claims' relevant ones (so every kept claim can still be answered).
 */
export function limitSciFact(set: SciFact, limits: { docs?: number; claims?: number }): SciFact {
  const claims = limits.claims === undefined ? set.claims : set.claims.slice(0, limits.claims);
  if (limits.docs === undefined) return { papers: set.papers, claims };
  const needed = new Set(claims.flatMap((c) => [...c.relevant]));
  const fill = Math.max(0, limits.docs - needed.size);
  const others = set.papers.filter((p) => !needed.has(p.id)).slice(0, fill);
  const kept = new Set([...needed, ...others.map((p) => p.id)]);
  return { papers: set.papers.filter((p) => kept.has(p.id)), claims };
}
