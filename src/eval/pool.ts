import type { Engine } from '../engine/engine.js';
import type { Paper } from '../papers/paper.js';
import { modelFingerprint } from '../engine/build-from-sources.js';
import { matchSentences } from '../engine/excerpt.js';
import { cleanQuestion } from '../engine/question.js';
import type { CandidateEvidence } from '../engine/rank.js';
import { indexDirIn, loadGeneration } from '../index/generation.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import { Bm25Index, topN, type Bm25Params } from '../search/bm25.js';
import { runToEnd } from '../util/cooperative.js';
import { openSetEngine } from './workspace.js';

/** A question to tune on, with the paper ids that answer it. */
export interface JudgedQuestion {
  text: string;
  relevant: ReadonlySet<string>;
}

/** How the candidate pool is drawn: what the engine does, with its constants as parameters. */
export interface PoolSettings {
  bm25: Bm25Params;
  titleRepeats: number;
  /** Candidates drawn from each retriever. */
  depth: number;
}

export interface PooledQuestion {
  relevant: ReadonlySet<string>;
  candidates: CandidateEvidence[];
  /** The most a paper could score lexically for the question (Bm25Index.maxScore). */
  maxLexical: number;
}

/**
 * The evidence of a set's questions, gathered once so that many ranking settings can be scored on it
 * without re-embedding: each question's vector, its exact cosine with every paper, and its sentence
 * similarities, computed for a candidate the first time a pool draws it.
 */
export class EvidencePool {
  private readonly bm25ByRepeats = new Map<number, Bm25Index>();
  private readonly sentenceCache: Map<number, number>[];

  private constructor(
    private readonly snapshot: IndexSnapshot,
    private readonly questions: readonly JudgedQuestion[],
    private readonly texts: readonly string[],
    private readonly vectors: readonly Float32Array[],
    private readonly dense: readonly Float32Array[],
    readonly ids: readonly (string | null)[],
  ) {
    this.sentenceCache = questions.map(() => new Map());
  }

  static async gather(engine: Engine, questions: readonly JudgedQuestion[]): Promise<EvidencePool> {
    const { config } = engine;
    const snapshot = await loadGeneration(indexDirIn(config.dataDir), modelFingerprint(config, engine.embedder.dimension), config.hnsw.efSearch);
    const labels = snapshot.catalog.size;
    const dimension = engine.embedder.dimension;
    const matrix = new Float32Array(labels * dimension);
    for (const label of snapshot.liveLabels()) matrix.set(snapshot.vector(label), label * dimension);
    const texts = questions.map((q) => cleanQuestion(q.text).text);
    const vectors: Float32Array[] = [];
    const dense: Float32Array[] = [];
    for (const text of texts) {
      const v = await engine.embedder.embedQuery(text);
      vectors.push(v);
      const sims = new Float32Array(labels);
      for (let label = 0; label < labels; label++) {
        let sum = 0;
        const offset = label * dimension;
        for (let i = 0; i < dimension; i++) sum += v[i]! * matrix[offset + i]!;
        sims[label] = snapshot.isLive(label) ? sum : -Infinity;
      }
      dense.push(sims);
    }
    const ids = Array.from({ length: labels }, (_, label) => snapshot.catalog.id(label));
    return new EvidencePool(snapshot, questions, texts, vectors, dense, ids);
  }

  /** The evidence of `questions` over a set's build (built first if need be), in the set's own folder. */
  static async forSet(set: string, model: string, papers: readonly Paper[], questions: readonly JudgedQuestion[]): Promise<EvidencePool> {
    const engine = await openSetEngine(set, model, papers);
    try {
      return await EvidencePool.gather(engine, questions);
    } finally {
      await engine.close();
    }
  }

  get size(): number {
    return this.questions.length;
  }

  private lexicalIndex(titleRepeats: number): Bm25Index {
    let index = this.bm25ByRepeats.get(titleRepeats);
    if (!index) {
      const docs = Array.from({ length: this.snapshot.catalog.size }, (_, label) => {
        if (!this.snapshot.isLive(label)) return undefined;
        const paper = this.snapshot.paper(label);
        return { title: paper.title, abstract: paper.abstract };
      });
      index = runToEnd(Bm25Index.buildSteps(docs, titleRepeats));
      this.bm25ByRepeats.set(titleRepeats, index);
    }
    return index;
  }

  private sentence(question: number, label: number): number {
    const cache = this.sentenceCache[question]!;
    let value = cache.get(label);
    if (value === undefined) {
      value = matchSentences(this.vectors[question]!, this.snapshot.sentences.get(label)).topSimilarity;
      cache.set(label, value);
    }
    return value;
  }

  /** Each question's candidates under `settings`: the union of both retrievers' top `depth`, with every signal. */
  pools(settings: PoolSettings): PooledQuestion[] {
    const bm25 = this.lexicalIndex(settings.titleRepeats);
    const live = (label: number) => this.snapshot.isLive(label);
    return this.questions.map((q, i) => {
      const lexical = bm25.scores(this.texts[i]!, settings.bm25);
      const dense = this.dense[i]!;
      const labels = new Set([...topN(dense, settings.depth, live), ...topN(lexical, settings.depth, live)].map((s) => s.label));
      const candidates = [...labels].map((label) => ({ label, dense: dense[label]!, sentence: this.sentence(i, label), lexical: lexical[label]! }));
      return { relevant: q.relevant, candidates, maxLexical: bm25.maxScore(this.texts[i]!, settings.bm25) };
    });
  }

  close(): void {
    this.snapshot.close();
  }
}
