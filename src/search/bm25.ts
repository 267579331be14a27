import { terms } from '../text/terms.js';
import { rangeOf } from '../util/label-range.js';
import { maxScoreTop, seek, termScore, TopCollector, WINDOW_LABELS, type PostingCursor, type Scored } from './max-score.js';

export type { Scored } from './max-score.js';

/** Okapi BM25's term-frequency saturation (k1) and length normalization (b). */
export interface Bm25Params {
  k1: number;
  b: number;
}

export const BM25_PARAMS: Bm25Params = { k1: 1.2, b: 0.75 };

/** How many times a title's words count, against once for the abstract's: titles name what a paper is about. */
export const TITLE_REPEATS = 2;

/** Keeps the `n` best positive scores without sorting all of them; of equal scores, the lower label. */
export function topN(scores: Float32Array | Float64Array, n: number, isCandidate: (label: number) => boolean): Scored[] {
  const top = new TopCollector(n);
  // In label order, a score equal to the threshold comes after the labels holding it: it cannot enter.
  for (let label = 0; label < scores.length; label++) if (scores[label]! > top.threshold && isCandidate(label)) top.offer(label, scores[label]!);
  return top.best;
}

/** What BM25 reads of a paper. */
export interface Bm25Document {
  title: string;
  abstract: string;
}

function documentTerms(doc: Bm25Document, titleRepeats: number): string[] {
  const title = terms(doc.title);
  return [...Array.from({ length: titleRepeats }, () => title).flat(), ...terms(doc.abstract)];
}

const MAGIC = 'PSBM';
// 2: compounds split where letters meet digits too (text/terms.ts). 3: one segment of a range of labels.
const VERSION = 3;

/**
 * The postings of a range of labels, in flat typed arrays (term → range of doc labels and
 * frequencies): compact in memory, and saved and loaded as they are, so a large index starts without
 * re-tokenizing. A reload adds a segment for the papers it adds; the index reads every segment.
 */
export class Bm25Segment {
  private constructor(
    readonly firstLabel: number,
    private readonly termIds: Map<string, number>,
    /** Postings of term t are rows offsets[t] … offsets[t + 1] - 1. */
    private readonly offsets: Uint32Array,
    /** Labels, ascending within a term. */
    readonly docs: Uint32Array,
    readonly freqs: Uint16Array,
    /** Term count of each label of the range (0 for a label without a document). */
    readonly lengths: Float32Array,
  ) {}

  /** Indexes the documents of labels firstLabel, firstLabel + 1, …, one per step (see util/cooperative.ts). */
  static *buildSteps(firstLabel: number, documents: Iterable<Bm25Document | undefined>, titleRepeats = TITLE_REPEATS): Generator<void, Bm25Segment> {
    const builder = new Bm25SegmentBuilder(firstLabel, titleRepeats);
    for (const doc of documents) {
      yield;
      builder.add(doc);
    }
    return builder.build();
  }

  /** @internal for Bm25SegmentBuilder */
  static of(firstLabel: number, termIds: Map<string, number>, offsets: Uint32Array, docs: Uint32Array, freqs: Uint16Array, lengths: Float32Array): Bm25Segment {
    return new Bm25Segment(firstLabel, termIds, offsets, docs, freqs, lengths);
  }

  get labels(): number {
    return this.lengths.length;
  }

  /** The rows of a term's postings, or undefined when no document here has it. */
  postings(term: string): PostingRows | undefined {
    const id = this.termIds.get(term);
    return id === undefined ? undefined : { start: this.offsets[id]!, end: this.offsets[id + 1]! };
  }

  /** Every term with its postings rows (for merging segments, and finding every bound ahead of use). */
  *entries(): Generator<[string, number, number]> {
    for (const [term, id] of this.termIds) yield [term, this.offsets[id]!, this.offsets[id + 1]!];
  }

  /** "PSBM" | version | header length | JSON header (first label, terms, counts) | offsets | docs | freqs | lengths */
  serialize(): Buffer[] {
    const header = Buffer.from(JSON.stringify({ firstLabel: this.firstLabel, terms: [...this.termIds.keys()], postings: this.docs.length, labels: this.lengths.length }));
    const prefix = Buffer.alloc(12);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(VERSION, 4);
    prefix.writeUInt32LE(header.length, 8);
    const pad = Buffer.alloc((4 - ((12 + header.length) % 4)) % 4);
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const freqPad = Buffer.alloc(this.freqs.byteLength % 4);
    return [prefix, header, pad, bytes(this.offsets), bytes(this.docs), bytes(this.freqs), freqPad, bytes(this.lengths)];
  }

  static deserialize(buffer: Buffer): Bm25Segment {
    if (buffer.toString('latin1', 0, 4) !== MAGIC || buffer.readUInt32LE(4) !== VERSION) throw new Error(`not a paperscout BM25 segment (version ${VERSION})`);
    const headerLength = buffer.readUInt32LE(8);
    const header = JSON.parse(buffer.toString('utf8', 12, 12 + headerLength)) as { firstLabel: number; terms: string[]; postings: number; labels: number };
    let offset = 12 + headerLength;
    offset += (4 - (offset % 4)) % 4;
    const expected = offset + (header.terms.length + 1) * 4 + header.postings * 6 + ((header.postings * 2) % 4) + header.labels * 4;
    if (expected !== buffer.length) throw new Error(`BM25 segment of ${header.postings} postings should be ${expected} bytes, is ${buffer.length}`);
    // Views over the file's own bytes when they are aligned (a file read whole is), else copies.
    const bytes = buffer.byteOffset % 4 ? Buffer.from(new Uint8Array(buffer).buffer) : buffer;
    const take = <T>(make: new (b: ArrayBufferLike, at: number, length: number) => T, size: number, count: number): T => {
      const view = new make(bytes.buffer, bytes.byteOffset + offset, count);
      offset += size * count;
      return view;
    };
    const offsets = take(Uint32Array, 4, header.terms.length + 1);
    const docs = take(Uint32Array, 4, header.postings);
    const freqs = take(Uint16Array, 2, header.postings);
    offset += (header.postings * 2) % 4;
    const lengths = take(Float32Array, 4, header.labels);
    // A loop, not new Map(terms.map(…)): no pair array per term (a segment has ~100k terms).
    const termIds = new Map<string, number>();
    for (let i = 0; i < header.terms.length; i++) termIds.set(header.terms[i]!, i);
    return new Bm25Segment(header.firstLabel, termIds, offsets, docs, freqs, lengths);
  }
}

/** Collects the postings of consecutive labels, one document at a time. */
export class Bm25SegmentBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly perTerm: { docs: number[]; freqs: number[] }[] = [];
  private readonly lengths: number[] = [];

  constructor(
    readonly firstLabel: number,
    private readonly titleRepeats = TITLE_REPEATS,
  ) {}

  get nextLabel(): number {
    return this.firstLabel + this.lengths.length;
  }

  /** Adds the next label's document (undefined: a label without one). */
  add(doc: Bm25Document | undefined): void {
    this.addTerms(doc ? documentTerms(doc, this.titleRepeats) : []);
  }

  /**
   * One segment of consecutive segments' live postings, for labels from the first one's first label
   * to the last one's last; a dead label keeps no postings and length 0.
   */
  static merge(segments: readonly Bm25Segment[], isLive: (label: number) => boolean): Bm25Segment {
    const builder = new Bm25SegmentBuilder(segments[0]!.firstLabel);
    // Segments in label order, each term's postings ascending within one: so they stay ascending here.
    for (const segment of segments) {
      for (const [word, start, end] of segment.entries()) {
        for (let i = start; i < end; i++) if (isLive(segment.docs[i]!)) builder.post(word, segment.docs[i]!, segment.freqs[i]!);
      }
      for (let i = 0; i < segment.labels; i++) builder.lengths.push(isLive(segment.firstLabel + i) ? segment.lengths[i]! : 0);
    }
    return builder.build();
  }

  build(): Bm25Segment {
    const { perTerm } = this;
    const offsets = new Uint32Array(perTerm.length + 1);
    perTerm.forEach((p, t) => (offsets[t + 1] = offsets[t]! + p.docs.length));
    const docs = new Uint32Array(offsets[perTerm.length]!);
    const freqs = new Uint16Array(docs.length);
    perTerm.forEach((p, t) => {
      docs.set(p.docs, offsets[t]!);
      freqs.set(p.freqs, offsets[t]!);
    });
    return Bm25Segment.of(this.firstLabel, this.termIds, offsets, docs, freqs, Float32Array.from(this.lengths));
  }

  private addTerms(words: readonly string[]): void {
    const label = this.nextLabel;
    const freqs = new Map<string, number>();
    for (const word of words) freqs.set(word, (freqs.get(word) ?? 0) + 1);
    for (const [word, freq] of freqs) this.post(word, label, freq);
    this.lengths.push(words.length);
  }

  private post(word: string, label: number, freq: number): void {
    let id = this.termIds.get(word);
    if (id === undefined) {
      id = this.perTerm.length;
      this.termIds.set(word, id);
      this.perTerm.push({ docs: [], freqs: [] });
    }
    this.perTerm[id]!.docs.push(label);
    this.perTerm[id]!.freqs.push(Math.min(freq, 0xffff));
  }
}

/** Where a term's postings lie in a segment. */
interface PostingRows {
  start: number;
  end: number;
}

/** A weighted query term's postings in each segment that has it. */
interface TermPostings {
  weight: number;
  rows: Map<Bm25Segment, PostingRows>;
}

/**
 * Okapi BM25 over titles and abstracts, across the segments of a generation. Only live labels count:
 * a removed paper's postings stay in its segment until the segment is rewritten, but its document
 * counts in no statistic, so scores are those a fresh build of the live papers would give.
 */
export class Bm25Index {
  /** In label order, so that finding a label's segment is a binary search. */
  private readonly segments: readonly Bm25Segment[];
  private readonly lengths: Float32Array;
  private readonly averageLength: number;
  private readonly documentCount: number;
  /** Live document frequency by term, counted on first use (a snapshot never changes). */
  private readonly frequencies = new Map<string, number>();
  /** Segments holding a dead label, whose postings must be filtered. */
  private readonly withDead: Set<Bm25Segment>;
  /** Per segment, the bound of each term top() has met (by its first row), for MaxScore. */
  private readonly bounds = new Map<Bm25Segment, Map<number, number>>();
  /** top()'s scores for a window of labels (see maxScoreTop): zero between calls. */
  private readonly scratch = new Float64Array(WINDOW_LABELS);

  constructor(
    segments: readonly Bm25Segment[],
    labels: number,
    private readonly isLive: (label: number) => boolean = () => true,
  ) {
    this.segments = [...segments].sort((a, b) => a.firstLabel - b.firstLabel);
    this.lengths = new Float32Array(labels);
    this.withDead = new Set();
    let total = 0;
    let count = 0;
    for (const segment of this.segments) {
      for (let i = 0; i < segment.labels; i++) {
        const label = segment.firstLabel + i;
        if (label >= labels) break;
        if (!isLive(label)) {
          this.withDead.add(segment);
          continue;
        }
        this.lengths[label] = segment.lengths[i]!;
        total += segment.lengths[i]!;
        count++;
      }
    }
    this.averageLength = count ? total / count : 1;
    this.documentCount = count;
  }

  /** A one-segment index of documents by label, all live (tests, evaluation, which tunes `titleRepeats`). */
  static *buildSteps(documents: readonly (Bm25Document | undefined)[], titleRepeats = TITLE_REPEATS): Generator<void, Bm25Index> {
    const segment = yield* Bm25Segment.buildSteps(0, documents, titleRepeats);
    return new Bm25Index([segment], documents.length, (label) => documents[label] !== undefined);
  }

  private idf(df: number): number {
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  private documentFrequency(word: string): number {
    let df = this.frequencies.get(word);
    if (df !== undefined) return df;
    df = 0;
    for (const segment of this.segments) {
      const rows = segment.postings(word);
      if (!rows) continue;
      if (!this.withDead.has(segment)) df += rows.end - rows.start;
      else for (let i = rows.start; i < rows.end; i++) if (this.isLive(segment.docs[i]!)) df++;
    }
    this.frequencies.set(word, df);
    return df;
  }

  /** The query's distinct terms, each with its IDF; a term no document has gets the highest IDF. */
  termWeights(query: string): Map<string, number> {
    const weights = new Map<string, number>();
    for (const word of terms(query)) weights.set(word, this.idf(this.documentFrequency(word)));
    return weights;
  }

  /** The most any document could score for the query (every term at saturation): a scale for scores. */
  maxScore(query: string, { k1 }: Bm25Params = BM25_PARAMS): number {
    let max = 0;
    for (const weight of this.termWeights(query).values()) max += weight * (k1 + 1);
    return max;
  }

  /** The constants of termScore under these parameters. */
  private shape({ k1, b }: Bm25Params): { lift: number; base: number; slope: number } {
    return { lift: k1 + 1, base: k1 * (1 - b), slope: (k1 * b) / this.averageLength };
  }

  /** Scores every document for the query; labels index the returned array. */
  scores(query: string, params: Bm25Params = BM25_PARAMS): Float64Array {
    const scores = new Float64Array(this.lengths.length);
    for (const word of new Set(terms(query))) {
      const df = this.documentFrequency(word);
      if (df) this.accumulate({ weight: this.idf(df), rows: this.rowsOf(word) }, scores, params);
    }
    return scores;
  }

  search(query: string, n: number, isCandidate: (label: number) => boolean = () => true): Scored[] {
    return this.top(this.termWeights(query), n, isCandidate);
  }

  /**
   * The `n` best live documents for weighted terms (term → IDF times the term's share of the
   * question, as termWeights gives and follow-ups mix), under the default parameters: what
   * topN(scores(…)) keeps, without reading every posting (see maxScoreTop). Each segment is
   * searched in label order, with the threshold the segments before it reached.
   */
  top(weights: ReadonlyMap<string, number>, n: number, isCandidate: (label: number) => boolean = () => true): Scored[] {
    const { lift, base, slope } = this.shape(BM25_PARAMS);
    const { lengths } = this;
    const accept = (label: number) => this.isLive(label) && isCandidate(label);
    const terms = this.termPostings(weights);
    const top = new TopCollector(n);
    for (const segment of this.segments) {
      const { docs, freqs } = segment;
      const cursors: PostingCursor[] = [];
      for (const term of terms) {
        const rows = term.rows.get(segment);
        if (rows) cursors.push({ docs, freqs, position: rows.start, end: rows.end, weight: term.weight * lift, bound: term.weight * this.bound(segment, rows) });
      }
      if (cursors.length) maxScoreTop(cursors, { lengths, base, slope }, top, accept, segment.firstLabel + segment.labels, this.scratch);
    }
    return top.best;
  }

  /**
   * Finds the bound of every term in every segment, one term per step (see util/cooperative.ts): a
   * bound costs a pass over the term's postings, which would otherwise fall on the first question
   * to use the term. The engine runs this in the background once a snapshot is live.
   */
  *boundSteps(): Generator<void> {
    for (const segment of this.segments) {
      for (const [, start, end] of segment.entries()) {
        this.bound(segment, { start, end });
        yield;
      }
    }
  }

  /**
   * The most a term of weight 1 adds to any document of a segment, with a margin for rounding in
   * sums: found on first use, by one pass over its postings, and kept (a snapshot never changes).
   */
  private bound(segment: Bm25Segment, rows: PostingRows): number {
    let bounds = this.bounds.get(segment);
    if (!bounds) this.bounds.set(segment, (bounds = new Map()));
    let bound = bounds.get(rows.start);
    if (bound === undefined) {
      const { lift, base, slope } = this.shape(BM25_PARAMS);
      let most = 0;
      for (let i = rows.start; i < rows.end; i++) {
        most = Math.max(most, termScore(lift, segment.freqs[i]!, this.lengths[segment.docs[i]!]!, base, slope));
      }
      bound = most * (1 + 1e-9);
      bounds.set(rows.start, bound);
    }
    return bound;
  }

  /** Adds a term's contribution to the score of every live document that has it. */
  private accumulate(term: TermPostings, scores: Float64Array, params: Bm25Params): void {
    const { lift, base, slope } = this.shape(params);
    const weight = term.weight * lift;
    const { lengths } = this;
    for (const [segment, rows] of term.rows) {
      const { docs, freqs } = segment;
      const filter = this.withDead.has(segment);
      for (let i = rows.start; i < rows.end; i++) {
        const label = docs[i]!;
        if (filter && !this.isLive(label)) continue;
        scores[label]! += termScore(weight, freqs[i]!, lengths[label]!, base, slope);
      }
    }
  }

  /** One document's score for weighted terms (as top() takes them), found by binary search in each term's postings. */
  score(weights: ReadonlyMap<string, number>, label: number): number {
    const segment = rangeOf(this.segments, label, (s) => s.labels);
    if (!segment || !this.isLive(label)) return 0;
    const { lift, base, slope } = this.shape(BM25_PARAMS);
    let score = 0;
    for (const [word, weight] of weights) {
      const rows = weight > 0 ? segment.postings(word) : undefined;
      const cursor = { docs: segment.docs, position: rows?.start ?? 0, end: rows?.end ?? 0 };
      seek(cursor, label);
      const tf = cursor.position < cursor.end && segment.docs[cursor.position] === label ? segment.freqs[cursor.position]! : 0;
      if (tf) score += termScore(weight * lift, tf, this.lengths[label]!, base, slope);
    }
    return score;
  }

  /** A term's postings rows in each segment that has it. */
  private rowsOf(word: string): Map<Bm25Segment, PostingRows> {
    const rows = new Map<Bm25Segment, PostingRows>();
    for (const segment of this.segments) {
      const at = segment.postings(word);
      if (at) rows.set(segment, at);
    }
    return rows;
  }

  /** The weighted terms some document has, with their postings. */
  private termPostings(weights: ReadonlyMap<string, number>): TermPostings[] {
    return [...weights].flatMap(([word, weight]) => {
      const rows = weight > 0 ? this.rowsOf(word) : new Map();
      return rows.size ? [{ weight, rows }] : [];
    });
  }
}
