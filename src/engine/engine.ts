import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineConfig } from '../config.js';
import { TransformersEmbedder, type Embedder } from '../embedding/embedder.js';
import type { BuildProgress, BuildSummary } from '../index/build.js';
import { IndexLoadError, loadGeneration } from '../index/generation.js';
import type { ModelFingerprint } from '../index/manifest.js';
import type { IndexSnapshot, IndexedPaper } from '../index/snapshot.js';
import type { Logger } from '../log.js';
import { arxivIdFromLink, paperDate, paperLinks, parseArxivId } from '../papers/paper.js';
import { dot } from '../search/vectors.js';
import { bestTitleMatch, suggestTitles } from './lookup.js';
import { clampInt, cleanQuestion, MAX_RESULTS } from './question.js';
import { candidateLabels, DEFAULT_WEIGHTS, rankCandidates, type RankingWeights } from './rank.js';
import type { AskResult, PaperCard, PaperDetail, SimilarHit, Suggestion, TrendingResult } from './results.js';
import { matchSentences, querySummary, type SentenceMatch } from './summary.js';
import { rankListing } from './trending.js';
import { UserError } from '../errors.js';
import { modelFingerprint, syncIndex, type ReloadReport } from './sync.js';

// The engine's public face: what callers need of index syncing comes from here too.
export { cacheDirFor, modelFingerprint, NoPapersError, type ReloadReport } from './sync.js';
import { buildInWorker } from './worker-build.js';

/** Candidates drawn from each retriever before fusion. */
const CANDIDATE_DEPTH = 50;

export class UnknownPaperError extends UserError {
  constructor(readonly query: string) {
    super(`No paper matches "${query}".`);
  }
}

export class ReloadInProgressError extends UserError {
  constructor() {
    super('A reload is already running; try again when it has finished.');
  }
}

export interface EngineStats {
  papers: number;
  model: string;
  dimension: number;
  indexBuiltAt: string;
  indexLoadedAt: string;
  lastReload?: ReloadReport & { finishedAt: string };
  reloading: boolean;
  days: number;
}

export interface OpenOptions {
  log: Logger;
  /** Re-read the sources on open and bring the index up to date (default true). */
  syncSources?: boolean;
  onProgress?: (progress: BuildProgress) => void;
  /** Injected in tests and benchmarks; defaults to the configured transformers.js model. */
  embedder?: Embedder;
  /** Download progress of the model on a first run (file, percent). */
  onModelDownload?: (file: string, percent: number) => void;
}

/** The search engine: everything the CLI and the bot answer with. It knows nothing of Discord. */
export class Engine {
  private current: IndexSnapshot;
  private reloading: Promise<ReloadReport> | undefined;
  private lastReload: EngineStats['lastReload'];
  weights: RankingWeights = DEFAULT_WEIGHTS;
  lowConfidenceThreshold: number;
  /** Reload in a worker thread (the bot sets this; the CLI and most tests build in-process). */
  buildInWorker = false;

  private constructor(
    readonly config: EngineConfig,
    readonly embedder: Embedder,
    private readonly fingerprint: ModelFingerprint,
    snapshot: IndexSnapshot,
    private readonly log: Logger,
    openReport?: ReloadReport,
  ) {
    this.current = snapshot;
    if (openReport) this.lastReload = { ...openReport, finishedAt: new Date().toISOString() };
    this.lowConfidenceThreshold = config.lowConfidenceThreshold;
  }

  static async open(config: EngineConfig, options: OpenOptions): Promise<Engine> {
    const { log } = options;
    const embedder = options.embedder ?? (await loadEmbedder(config, options.onModelDownload));
    const fingerprint = modelFingerprint(config, embedder.dimension);
    const indexDir = join(config.dataDir, 'index');
    mkdirSync(indexDir, { recursive: true });

    let snapshot: IndexSnapshot | undefined;
    let openReport: ReloadReport | undefined;
    try {
      snapshot = await loadGeneration(indexDir, fingerprint, config.hnsw.efSearch);
    } catch (error) {
      if (!(error instanceof IndexLoadError)) throw error;
      const level = error.problem === 'missing' ? 'info' : 'warn';
      log[level]({ problem: error.problem }, `${error.message}; building the index from the sources`);
    }
    if (!snapshot || options.syncSources !== false) {
      try {
        const { snapshot: built, report } = await syncIndex(config, embedder, fingerprint, snapshot, log, options.onProgress);
        if (built !== snapshot) snapshot?.close();
        snapshot = built;
        openReport = report;
        if (!report.unchanged) log.info(summaryFields(report), 'index updated');
      } catch (error) {
        snapshot?.close();
        if (!options.embedder) await embedder.dispose();
        throw error;
      }
    }
    return new Engine(config, embedder, fingerprint, snapshot, log, openReport);
  }

  /**
   * Builds in a worker thread, then loads the result here: the build's memory churn and its
   * synchronous steps stay off this thread, so interactions are acknowledged throughout.
   */
  private async syncInWorker(
    previous: IndexSnapshot,
    options: { onProgress?: (progress: BuildProgress) => void; force?: boolean },
  ): Promise<{ snapshot: IndexSnapshot; report: ReloadReport }> {
    const { generation, report } = await buildInWorker(this.config, options.force ?? false, options.onProgress);
    if (generation === previous.manifest.generation) return { snapshot: previous, report };
    const snapshot = await loadGeneration(join(this.config.dataDir, 'index'), this.fingerprint, this.config.hnsw.efSearch);
    return { snapshot, report };
  }

  get snapshot(): IndexSnapshot {
    return this.current;
  }

  get isReloading(): boolean {
    return this.reloading !== undefined;
  }

  /**
   * Re-reads the sources, embeds only what is new, builds the next generation beside the live one
   * and swaps it in. Queries keep being answered from the old index until the swap.
   */
  reload(options: { onProgress?: (progress: BuildProgress) => void; force?: boolean } = {}): Promise<ReloadReport> {
    if (this.reloading) return Promise.reject(new ReloadInProgressError());
    const run = async () => {
      const previous = this.current;
      const { snapshot, report } = this.buildInWorker
        ? await this.syncInWorker(previous, options)
        : await syncIndex(this.config, this.embedder, this.fingerprint, previous, this.log, options.onProgress, options.force);
      if (snapshot !== previous) {
        this.current = snapshot;
        // Queries use a snapshot only synchronously, so none can still be reading the old one.
        previous.close();
      }
      this.lastReload = { ...report, finishedAt: new Date().toISOString() };
      return report;
    };
    this.reloading = run().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  async ask(question: string, options: { k?: number; offset?: number } = {}): Promise<AskResult> {
    const started = performance.now();
    const { text, truncated } = cleanQuestion(question);
    const k = clampInt(options.k, 1, MAX_RESULTS, 5);
    const offset = clampInt(options.offset, 0, 10 * MAX_RESULTS, 0);
    const query = await this.embedder.embedQuery(text);
    const embedded = performance.now();
    // Taken after the await: from here on everything is synchronous, so a reload cannot swap underneath.
    const snap = this.current;
    const depth = Math.max(CANDIDATE_DEPTH, offset + k + 1);
    const dense = snap.nearest(query, depth);
    const lexical = snap.bm25.search(text, depth, (label) => snap.isLive(label));
    const denseByLabel = new Map(dense.map((d) => [d.label, d.similarity]));
    const lexicalByLabel = new Map(lexical.map((l) => [l.label, l.score]));
    const matches = new Map<number, SentenceMatch>();
    const evidence = candidateLabels(dense, lexical).map((label) => {
      const match = matchSentences(query, snap.sentences.get(label));
      matches.set(label, match);
      return {
        label,
        dense: denseByLabel.get(label) ?? dot(query, snap.vector(label)),
        sentence: match.bestSimilarity,
        lexical: lexicalByLabel.get(label) ?? 0,
      };
    });
    const ranked = rankCandidates(evidence, this.weights);
    const searched = performance.now();
    const confidence = ranked[0] ? this.confidence(ranked[0]) : 0;
    const results = ranked.slice(offset, offset + k).map((candidate, i) => {
      const paper = snap.paper(candidate.label);
      return {
        ...card(paper),
        rank: offset + i + 1,
        score: Math.min(1, Math.max(0, candidate.score)),
        summary: querySummary(paper.abstract, snap.sentences.get(candidate.label).spans, matches.get(candidate.label)!),
      };
    });
    const finished = performance.now();
    const ms = (from: number, to: number) => Math.round((to - from) * 100) / 100;
    return {
      query: text,
      truncated,
      tookMs: Math.round((finished - started) * 10) / 10,
      timings: { embedMs: ms(started, embedded), searchMs: ms(embedded, searched), summaryMs: ms(searched, finished) },
      confidence,
      lowConfidence: confidence < this.lowConfidenceThreshold,
      searched: snap.count,
      offset,
      hasMore: ranked.length > offset + k,
      results,
    };
  }

  /** The semantic strength of a match, without the lexical bonus: what the confidence threshold is set on. */
  confidence(candidate: { dense: number; sentence: number }): number {
    return (1 - this.weights.sentence) * candidate.dense + this.weights.sentence * candidate.sentence;
  }

  similar(paperId: string, k = 5): { paper: PaperCard; results: SimilarHit[] } {
    const snap = this.current;
    const label = this.resolveLabel(paperId);
    if (label === undefined) throw new UnknownPaperError(paperId);
    return { paper: card(snap.paper(label)), results: this.neighbours(label, clampInt(k, 1, MAX_RESULTS, 5)) };
  }

  /** A paper by id, arXiv id or link, or (fuzzily) by title. */
  paper(idOrTitle: string): PaperDetail {
    const label = this.resolveLabel(idOrTitle) ?? bestTitleMatch(this.current.titles, idOrTitle)?.label;
    if (label === undefined) throw new UnknownPaperError(idOrTitle);
    const paper = this.current.paper(label);
    return {
      ...card(paper),
      abstract: paper.abstract,
      tldr: this.tldr(label),
      listings: paper.listings ?? [],
      similar: this.neighbours(label, 3),
    };
  }

  suggest(prefix: string, limit = 25): Suggestion[] {
    const snap = this.current;
    return suggestTitles(snap.titles, prefix, limit).map((e) => ({ id: snap.catalog.id(e.label)!, title: e.title }));
  }

  trending(options: { date?: string; limit?: number; offset?: number } = {}): TrendingResult {
    const snap = this.current;
    const days = [...snap.listings.keys()].sort().reverse();
    const date = options.date ?? days[0];
    const ranked = date ? rankListing(snap.listings.get(date) ?? [], date, snap.catalog) : [];
    const limit = clampInt(options.limit, 1, MAX_RESULTS, 10);
    const offset = clampInt(options.offset, 0, Math.max(0, ranked.length - 1), 0);
    return {
      date,
      days,
      total: ranked.length,
      offset,
      items: ranked.slice(offset, offset + limit).map((label, i) => ({
        ...card(snap.paper(label)),
        rank: offset + i + 1,
        tldr: this.tldr(label),
      })),
    };
  }

  /** Cards with a TL;DR for known paper ids, in the order given; unknown ids are skipped. */
  cards(ids: readonly string[]): (PaperCard & { tldr: string })[] {
    const snap = this.current;
    return ids.flatMap((id) => {
      const label = snap.labelById.get(id);
      return label === undefined ? [] : [{ ...card(snap.paper(label)), tldr: this.tldr(label) }];
    });
  }

  stats(): EngineStats {
    const snap = this.current;
    return {
      papers: snap.count,
      model: this.fingerprint.id,
      dimension: this.fingerprint.dimension,
      indexBuiltAt: snap.manifest.createdAt,
      indexLoadedAt: snap.loadedAt.toISOString(),
      lastReload: this.lastReload,
      reloading: this.isReloading,
      days: snap.listings.size,
    };
  }

  async close(): Promise<void> {
    await this.reloading?.catch(() => undefined);
    this.current.close();
    await this.embedder.dispose();
  }

  private resolveLabel(idOrLink: string): number | undefined {
    const snap = this.current;
    const trimmed = idOrLink.trim();
    const fromLink = arxivIdFromLink(trimmed);
    const candidates = [trimmed, parseArxivId(trimmed), fromLink && parseArxivId(fromLink)];
    for (const id of candidates) {
      const label = id ? snap.labelById.get(id) : undefined;
      if (label !== undefined) return label;
    }
    return undefined;
  }

  private neighbours(label: number, k: number): SimilarHit[] {
    const snap = this.current;
    return snap.nearest(snap.vector(label), k, label).map((n, i) => ({
      ...card(snap.paper(n.label)),
      rank: i + 1,
      similarity: n.similarity,
      tldr: this.tldr(n.label),
    }));
  }

  private tldr(label: number): string {
    const paper = this.current.paper(label);
    if (paper.aiSummary) return paper.aiSummary;
    const span = this.current.sentences.get(label).spans[paper.tldrSentence];
    return span ? paper.abstract.slice(span.start, span.end) : paper.abstract;
  }
}

/** The configured model, from the models folder or (on a first run) the Hugging Face hub. */
export function loadEmbedder(config: EngineConfig, onDownload?: (file: string, percent: number) => void): Promise<Embedder> {
  return TransformersEmbedder.load({
    spec: config.model,
    modelsDir: config.modelsDir,
    offline: config.offline,
    dtype: config.dtype,
    batchSize: config.batchSize,
    threads: config.threads,
    onDownload,
  });
}

function card(paper: IndexedPaper): PaperCard {
  const links = paperLinks(paper);
  return {
    id: paper.id,
    title: paper.title,
    url: links.primary,
    links,
    authors: paper.authors,
    date: paperDate(paper),
    upvotes: paper.upvotes,
  };
}

export function summaryFields(report: BuildSummary): Record<string, number | boolean> {
  const { added, updated, removed, refreshed, embedded, embeddedTexts, count, fullRebuild } = report;
  return { added, updated, removed, refreshed, embedded, embeddedTexts, count, fullRebuild, tookMs: Math.round(report.tookMs) };
}
