import { mkdirSync } from 'node:fs';
import type { EngineConfig } from '../config.js';
import { TransformersEmbedder, type Embedder } from '../embedding/embedder.js';
import { ThreadedEmbedder } from '../embedding/threaded-embedder.js';
import { relevanceFit } from '../embedding/models.js';
import { IndexLoadError, UnknownPaperError, ReloadCancelledError, ReloadInProgressError } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import type { BuildReport } from '../index/build.js';
import { indexDirIn, loadGeneration } from '../index/generation.js';
import type { IndexedPaper } from '../index/indexed-paper.js';
import type { LockNotice } from '../index/lock.js';
import type { ModelFingerprint } from '../index/manifest.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { Logger } from '../log.js';
import { arxivIdFromLink, paperDate, paperLinks, parseArxivId } from '../papers/paper.js';
import { dot } from '../search/vectors.js';
import { composeAnswer } from './answer.js';
import { buildFromSources, modelFingerprint, sourcesChanged, type ReloadReport } from './build-from-sources.js';
import { buildInThread, BuildThreads } from './build-thread-client.js';
import { matchSentences, queryExcerpt, type SentenceMatch } from './excerpt.js';
import { foldTerms, foldVectors, keptTurns } from './follow-up.js';
import { answerInPaper } from './paper-answer.js';
import { bestTitleMatch, suggestTitles } from './lookup.js';
import { clampInt, cleanQuestion, MAX_RESULTS } from './question.js';
import { CANDIDATE_DEPTH, candidateLabels, DEFAULT_WEIGHTS, rankCandidates, semanticScore, type RankingWeights } from './rank.js';
import { relevance } from './relevance.js';
import type { AskResult, PaperAnswer, PaperCard, PaperDetail, Recommendation, SimilarHit, Suggestion, TrendingResult } from './results.js';
import { SnapshotLeases } from './snapshot-leases.js';
import type { TopicMatch } from './topic-match.js';
import { scoreTopic } from './topic-scoring.js';
import { recommendPapers, tasteScorer, type RecommendOptions, type TasteCorpus } from './recommend.js';
import type { TasteMethod } from './taste.js';
import { rankListing } from './trending.js';
import { runInBackground } from '../util/cooperative.js';

// The engine's public face: the errors its callers handle and the report a reload returns.
export { NoPapersError, ReloadCancelledError, ReloadInProgressError, UnknownPaperError } from '../errors.js';
export type { ReloadReport } from './build-from-sources.js';

/** How much deeper candidates are drawn when only papers with code are kept. */
const HAS_CODE_DEPTH = 3;
/** A warm-up slice: short enough that a question arriving meanwhile barely waits. */
const WARM_SLICE_MS = 4;

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
  /** Reload on open: re-read the sources and bring the index up to date (default true). */
  reloadOnOpen?: boolean;
  onProgress?: (progress: BuildProgress) => void;
  /**
   * Injected in tests; defaults to the configured transformers.js model. Either way the engine owns
   * it from here on: it is disposed when open fails and by close.
   */
  embedder?: Embedder;
  /** Download progress of the model on a first run (file, percent). */
  onModelDownload?: (file: string, percent: number) => void;
  /** How evidence is combined into a ranking (default DEFAULT_WEIGHTS); ask can override it per call. */
  weights?: RankingWeights;
  /**
   * Build reloads in a worker thread (default false): the bot's choice, so that interactions never
   * wait on a build. The thread for the next reload is started ahead and waits, holding no index
   * (about 12 MB). The CLI and most tests build on the calling thread.
   */
  buildInThread?: boolean;
  /** Told when a build must wait for another process's index lock, or takes over a dead one's (default: the log). */
  onLockNotice?: (notice: LockNotice) => void;
}

export interface AskOptions {
  /** Results per page (default 5). */
  k?: number;
  offset?: number;
  /** Ranking weights for this question only (evaluation compares variants this way). */
  weights?: RankingWeights;
  /** Earlier questions this one follows up, first question first: searched together with it (follow-up.ts). */
  context?: readonly string[];
  /** Share of this question in a follow-up's search (default FOLLOW_UP_WEIGHT); evaluation compares values this way. */
  followUpWeight?: number;
  /** Only papers with a code repository (`/ask has_code:true`, `ask --has-code`). */
  hasCode?: boolean;
}

interface Settings {
  weights: RankingWeights;
  buildInThread: boolean;
  onLockNotice?: (notice: LockNotice) => void;
}

/** The search engine: everything the CLI and the bot answer with. It knows nothing of Discord. */
export class Engine {
  private readonly snapshots: SnapshotLeases<IndexSnapshot>;
  private reloading: { report: Promise<ReloadReport>; cancel: AbortController } | undefined;
  private lastReload: EngineStats['lastReload'];
  private closed = false;
  private warming: Promise<void> = Promise.resolve();
  /** The thread the next reload builds in, started ahead (only when reloads build in a thread). */
  private readonly buildThreads = new BuildThreads();

  private constructor(
    readonly config: EngineConfig,
    readonly embedder: Embedder,
    private readonly fingerprint: ModelFingerprint,
    snapshot: IndexSnapshot,
    private readonly log: Logger,
    private readonly settings: Settings,
    openReport?: ReloadReport,
  ) {
    this.snapshots = new SnapshotLeases(snapshot);
    this.warm(snapshot);
    if (settings.buildInThread) this.buildThreads.prepare();
    if (openReport) this.lastReload = { ...openReport, finishedAt: new Date().toISOString() };
  }

  static async open(config: EngineConfig, options: OpenOptions): Promise<Engine> {
    const { log } = options;
    const embedder = options.embedder ?? (await loadEmbedder(config, options.onModelDownload, options.buildInThread));
    let snapshot: IndexSnapshot | undefined;
    try {
      const fingerprint = modelFingerprint(config, embedder.dimension);
      const indexDir = indexDirIn(config.dataDir);
      mkdirSync(indexDir, { recursive: true });
      let openReport: ReloadReport | undefined;
      try {
        snapshot = await loadGeneration(indexDir, fingerprint, config.hnsw.efSearch);
      } catch (error) {
        if (!(error instanceof IndexLoadError)) throw error;
        const level = error.problem === 'missing' ? 'info' : 'warn';
        log[level]({ problem: error.problem }, `${error.message}; building the index from the sources`);
      }
      if (!snapshot || options.reloadOnOpen !== false) {
        const { snapshot: built, report } = await buildFromSources(config, embedder, fingerprint, snapshot, log, { onProgress: options.onProgress, onLockNotice: options.onLockNotice });
        if (built !== snapshot) snapshot?.close();
        snapshot = built;
        openReport = report;
        if (!report.unchanged) log.info(reportFields(report), 'index updated');
      }
      const settings = { weights: options.weights ?? DEFAULT_WEIGHTS, buildInThread: options.buildInThread ?? false, onLockNotice: options.onLockNotice };
      return new Engine(config, embedder, fingerprint, snapshot, log, settings, openReport);
    } catch (error) {
      snapshot?.close();
      await embedder.dispose();
      throw error;
    }
  }

  /**
   * Builds in a worker thread, then loads the result here: the build's memory churn and its
   * synchronous steps stay off this thread, so interactions are acknowledged throughout.
   */
  private async buildInThread(
    previous: IndexSnapshot,
    options: { onProgress?: (progress: BuildProgress) => void; force?: boolean },
    signal: AbortSignal,
  ): Promise<{ snapshot: IndexSnapshot; report: ReloadReport }> {
    // Unchanged sources: buildFromSources answers from the manifest at once, with no thread to start.
    if (!options.force && !sourcesChanged(this.config, previous)) return buildFromSources(this.config, this.embedder, this.fingerprint, previous, this.log);
    // The embedding threads start beside the build thread, which first reads the live index.
    this.embedder.warm();
    try {
      const { generation, report } = await buildInThread(this.buildThreads, this.config, options.force ?? false, this.embedder, options.onProgress, signal);
      if (generation === previous.manifest.generation) return { snapshot: previous, report };
      // Only what the build added is read: the graphs and BM25 segments it linked are the live snapshot's.
      const snapshot = await loadGeneration(indexDirIn(this.config.dataDir), this.fingerprint, this.config.hnsw.efSearch, { earlier: previous });
      return { snapshot, report };
    } finally {
      // The next reload's thread loads its modules now, while nothing waits for it.
      if (!this.closed) this.buildThreads.prepare();
    }
  }

  /**
   * Settles once the live index is prepared ahead of questions (see IndexSnapshot.warmSteps, done in
   * the background while no question is under way), or once that stopped (a swap, close, a failure).
   */
  get warmed(): Promise<void> {
    return this.warming;
  }

  /** The live index generation's name (it changes when a reload writes a new one). */
  get generation(): string {
    return this.snapshots.current.manifest.generation;
  }

  /** Papers in the live index (stats() also counts listing days, which costs a pass over the catalog). */
  get papers(): number {
    return this.snapshots.current.count;
  }

  /** Whether a paper with this exact id is in the live index. */
  hasPaper(id: string): boolean {
    return this.snapshots.current.labelById.has(id);
  }

  /** The id and title of every paper in the live index, in label order (evaluation asks for each title). */
  titles(): { id: string; title: string }[] {
    const snap = this.snapshots.current;
    return [...snap.liveLabels()].map((label) => ({ id: snap.catalog.id(label)!, title: snap.catalog.title(label) }));
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
    const cancel = new AbortController();
    const run = async () => {
      const previous = this.snapshots.current;
      const { snapshot, report } = this.settings.buildInThread
        ? await this.buildInThread(previous, options, cancel.signal)
        : await buildFromSources(this.config, this.embedder, this.fingerprint, previous, this.log, {
            onProgress: options.onProgress,
            force: options.force,
            onLockNotice: this.settings.onLockNotice,
          });
      // Queries still holding a lease on the previous snapshot finish on it; it closes after the last.
      this.snapshots.swap(snapshot);
      this.warm(snapshot);
      this.lastReload = { ...report, finishedAt: new Date().toISOString() };
      return report;
    };
    const report = run().finally(() => (this.reloading = undefined));
    this.reloading = { report, cancel };
    return report;
  }

  /**
   * Stops a reload in flight, if any, and resolves once it has stopped; it rejects with
   * ReloadCancelledError and the live index stays as it was. A build in a thread stops at once; one on
   * the calling thread (the CLI's) cannot be interrupted and is waited for.
   */
  async cancelReload(): Promise<void> {
    if (!this.reloading) return;
    this.reloading.cancel.abort();
    await this.reloading.report.catch((error: unknown) => {
      if (error instanceof ReloadCancelledError) this.log.info('reload cancelled');
    });
  }

  /** Answers a question from the snapshot live when it was asked, which a reload does not close underneath it. */
  async ask(question: string, options: AskOptions = {}): Promise<AskResult> {
    const { text, truncated } = cleanQuestion(question);
    const context = keptTurns([...(options.context ?? []).map((q) => cleanQuestion(q).text), text]).slice(0, -1);
    return this.snapshots.with((snap) => this.answer(snap, text, truncated, context, options));
  }

  /** The questions' vectors, one after another (the model runs one question at a time). */
  private async embedTurns(turns: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (const turn of turns) vectors.push(await this.embedder.embedQuery(turn));
    return vectors;
  }

  private async answer(snap: IndexSnapshot, text: string, truncated: boolean, context: string[], options: AskOptions): Promise<AskResult> {
    const started = performance.now();
    const weights = options.weights ?? this.settings.weights;
    const k = clampInt(options.k, 1, MAX_RESULTS, 5);
    const offset = clampInt(options.offset, 0, 10 * MAX_RESULTS, 0);
    const turns = [...context, text];
    // About a third of papers link a repository: a filtered question draws deeper to fill its page.
    const depth = Math.max(CANDIDATE_DEPTH, offset + k + 1) * (options.hasCode ? HAS_CODE_DEPTH : 1);
    const questionTerms = foldTerms(turns.map((turn) => snap.bm25.termWeights(turn)), options.followUpWeight);
    const lexical = snap.bm25.top(questionTerms, depth);
    const scored = performance.now();
    const query = foldVectors(await this.embedTurns(turns), options.followUpWeight);
    const embedded = performance.now();
    const dense = snap.nearest(query, depth);
    const denseByLabel = new Map(dense.map((d) => [d.label, d.similarity]));
    const lexicalByLabel = new Map(lexical.map((l) => [l.label, l.score]));
    const matches = new Map<number, SentenceMatch>();
    const evidence = candidateLabels(dense, lexical).map((label) => {
      const match = matchSentences(query, snap.sentences.get(label));
      matches.set(label, match);
      return {
        label,
        dense: denseByLabel.get(label) ?? dot(query, snap.vector(label)),
        sentence: match.topSimilarity,
        lexical: lexicalByLabel.get(label) ?? snap.bm25.score(questionTerms, label),
      };
    });
    // Filtered after ranking, so a paper with code keeps the score and order it has unfiltered.
    const ranked = rankCandidates(evidence, weights).filter((c) => !options.hasCode || Boolean(snap.paper(c.label).githubUrl));
    const searched = performance.now();
    const confidence = ranked[0] ? semanticScore(ranked[0], weights) : 0;
    // A follow-up's lexical scores mix its turns' (follow-up.ts); the question's own maximum is their scale.
    const maxLexical = snap.bm25.maxScore(text);
    const fit = relevanceFit(this.config.model.id);
    const results = ranked.slice(offset, offset + k).map((candidate, i) => {
      const paper = snap.paper(candidate.label);
      return {
        ...card(paper),
        rank: offset + i + 1,
        score: relevance({ dense: candidate.dense, sentence: candidate.sentence, coverage: maxLexical > 0 ? Math.min(1, candidate.lexical / maxLexical) : 0 }, fit),
        summary: queryExcerpt(paper.abstract, snap.sentences.get(candidate.label).spans, matches.get(candidate.label)!, questionTerms),
      };
    });
    const finished = performance.now();
    const ms = (from: number, to: number) => Math.round((to - from) * 100) / 100;
    const lowConfidence = confidence < this.config.lowConfidenceThreshold;
    const answer = composeAnswer({ query: [...context, text].join(' '), lowConfidence, offset, results });
    return {
      query: text,
      ...(context.length > 0 && { context }),
      truncated,
      tookMs: Math.round((finished - started) * 10) / 10,
      timings: { embedMs: ms(scored, embedded), lexicalMs: ms(started, scored), searchMs: ms(embedded, searched), summaryMs: ms(searched, finished) },
      confidence,
      lowConfidence,
      searched: snap.count,
      offset,
      hasMore: ranked.length > offset + k,
      results,
      ...(answer && { answer }),
    };
  }

  /**
   * Scores each topic against each of these papers (ids not in the index are skipped): for topic
   * watches, which match papers as they are indexed and keep the result, so a question never pays.
   */
  scoreTopics(topics: readonly string[], paperIds: readonly string[]): Promise<TopicMatch[][]> {
    return this.snapshots.with(async (snap) => {
      const labels = paperIds.flatMap((id) => {
        const label = snap.labelById.get(id);
        return label === undefined ? [] : [label];
      });
      const scored: TopicMatch[][] = [];
      for (const topic of topics) scored.push(scoreTopic(snap, await this.embedder.embedQuery(topic), topic, labels, this.settings.weights));
      return scored;
    });
  }

  similar(paperId: string, k = 5): { paper: PaperCard; results: SimilarHit[] } {
    const snap = this.snapshots.current;
    const label = this.resolveLabel(paperId);
    if (label === undefined) throw new UnknownPaperError(paperId);
    return { paper: card(snap.paper(label)), results: this.neighbours(label, clampInt(k, 1, MAX_RESULTS, 5)) };
  }

  /** A paper by id, arXiv id or link, or (fuzzily) by title. */
  paper(idOrTitle: string): PaperDetail {
    const label = this.resolveLabel(idOrTitle) ?? bestTitleMatch(this.snapshots.current.titles, idOrTitle)?.label;
    if (label === undefined) throw new UnknownPaperError(idOrTitle);
    const paper = this.snapshots.current.paper(label);
    return {
      ...card(paper),
      abstract: paper.abstract,
      tldr: this.tldr(label),
      listings: paper.listings ?? [],
      similar: this.neighbours(label, 3),
    };
  }

  /** The sentences of one paper (found as `paper` finds it) that answer a question, the best one marked. */
  async askPaper(idOrTitle: string, question: string): Promise<PaperAnswer> {
    const { text, truncated } = cleanQuestion(question);
    const vector = await this.embedder.embedQuery(text);
    // Everything after the embedding is synchronous, on one snapshot.
    const detail = this.paper(idOrTitle);
    const snap = this.snapshots.current;
    const label = snap.labelById.get(detail.id)!;
    return { ...detail, answer: answerInPaper(detail.abstract, snap.sentences.get(label), vector, snap.bm25.termWeights(text), text, truncated) };
  }

  suggest(prefix: string, limit = 25): Suggestion[] {
    const snap = this.snapshots.current;
    return suggestTitles(snap.titles, prefix, limit).map((e) => ({ id: snap.catalog.id(e.label)!, title: e.title }));
  }

  trending(options: { date?: string; limit?: number; offset?: number } = {}): TrendingResult {
    const snap = this.snapshots.current;
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

  /** Every paper id of a listing day (default: the latest), ranked as /trending ranks them. */
  listing(date?: string): { date?: string; ids: string[] } {
    const snap = this.snapshots.current;
    const day = date ?? [...snap.listings.keys()].sort().at(-1);
    return { date: day, ids: day ? rankListing(snap.listings.get(day) ?? [], day, snap.catalog).map((label) => snap.catalog.id(label)!) : [] };
  }

  /** Cards with a TL;DR for known paper ids, in the order given; unknown ids are skipped. */
  cards(ids: readonly string[]): (PaperCard & { tldr: string })[] {
    const snap = this.snapshots.current;
    return ids.flatMap((id) => {
      const label = snap.labelById.get(id);
      return label === undefined ? [] : [{ ...card(snap.paper(label)), tldr: this.tldr(label) }];
    });
  }

  /** Papers of recent days like the ones `likedIds` voted for, best first, each with the liked paper it is most like. */
  recommend(likedIds: readonly string[], options: RecommendOptions = {}): Recommendation[] {
    const snap = this.snapshots.current;
    const corpus = tasteCorpus(snap);
    return recommendPapers(likedIds, corpus, { ...options, k: clampInt(options.k, 1, MAX_RESULTS, 5) }).map((r, i) => {
      const label = snap.labelById.get(r.id)!;
      return { ...card(snap.paper(label)), rank: i + 1, tldr: this.tldr(label), score: r.score, like: { id: r.like, title: snap.catalog.title(snap.labelById.get(r.like)!) } };
    });
  }

  /** A taste score per paper id, learned from `likedIds` (a server's votes); undefined when none is indexed. */
  tasteScorer(likedIds: readonly string[], method?: TasteMethod): ((id: string) => number | undefined) | undefined {
    return tasteScorer(likedIds, tasteCorpus(this.snapshots.current), method);
  }

  stats(): EngineStats {
    const snap = this.snapshots.current;
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

  /**
   * Does ahead of the first questions what they would otherwise pay for (IndexSnapshot.warmSteps),
   * in short slices between queries, while `snapshot` is live and the engine open.
   */
  private warm(snapshot: IndexSnapshot): void {
    const live = () => !this.closed && this.snapshots.current === snapshot;
    this.warming = runInBackground(snapshot.warmSteps(), WARM_SLICE_MS, live, () => this.snapshots.busy).catch((error: unknown) =>
      this.log.warn({ err: error }, 'could not prepare the index ahead of questions; each question prepares what it needs'),
    );
  }

  /** Cancels a running reload, closes the index (once the last query's lease ends) and disposes the embedder. */
  async close(): Promise<void> {
    this.closed = true;
    await this.cancelReload();
    await this.buildThreads.close();
    this.snapshots.close();
    await this.embedder.dispose();
  }

  private resolveLabel(idOrLink: string): number | undefined {
    const snap = this.snapshots.current;
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
    const snap = this.snapshots.current;
    return snap.nearest(snap.vector(label), k, label).map((n, i) => ({
      ...card(snap.paper(n.label)),
      rank: i + 1,
      similarity: n.similarity,
      tldr: this.tldr(n.label),
    }));
  }

  private tldr(label: number): string {
    const paper = this.snapshots.current.paper(label);
    if (paper.aiSummary) return paper.aiSummary;
    const span = this.snapshots.current.sentences.get(label).spans[paper.tldrSentence];
    return span ? paper.abstract.slice(span.start, span.end) : paper.abstract;
  }
}

/**
 * The configured model, from the models folder or (on a first run) the Hugging Face hub. Passages
 * with sentences are embedded on EMBEDDING_WORKERS threads, and on one at least when `offThread`:
 * an engine that builds in a thread embeds for it, off its own event loop.
 */
export function loadEmbedder(config: EngineConfig, onDownload?: (file: string, percent: number) => void, offThread = false): Promise<Embedder> {
  const options = {
    spec: config.model,
    modelsDir: config.modelsDir,
    offline: config.offline,
    modelHub: config.modelHub,
    dtype: config.dtype,
    batchSize: config.batchSize,
    threads: config.threads,
    onDownload,
  };
  return config.workers > 1 || offThread ? ThreadedEmbedder.load(options, config.workers) : TransformersEmbedder.load(options);
}

/** The live index as a taste sees it: vectors by id and the days' lists. */
function tasteCorpus(snap: IndexSnapshot): TasteCorpus {
  const byDay = new Map([...snap.listings].map(([date, labels]) => [date, labels.map((l) => snap.catalog.id(l)!)]));
  return {
    vector: (id) => {
      const label = snap.labelById.get(id);
      return label === undefined ? undefined : snap.vector(label);
    },
    listedOn: (date) => byDay.get(date) ?? [],
    listingDates: (id) => {
      const label = snap.labelById.get(id);
      return label === undefined ? [] : snap.catalog.listings(label).map((l) => l.date);
    },
    days: [...byDay.keys()].sort(),
  };
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

/** A build report's figures, as log fields. */
export function reportFields(report: BuildReport): Record<string, number | boolean> {
  const { added, updated, removed, refreshed, embedded, embeddedTexts, count, fullRebuild } = report;
  return { added, updated, removed, refreshed, embedded, embeddedTexts, count, fullRebuild, tookMs: Math.round(report.tookMs) };
}
