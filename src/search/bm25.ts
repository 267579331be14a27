import { terms } from '../text/terms.js';

export interface Scored {
  label: number;
  score: number;
}

/** Okapi BM25's term-frequency saturation (k1) and length normalization (b). */
export interface Bm25Params {
  k1: number;
  b: number;
}

export const BM25_PARAMS: Bm25Params = { k1: 1.2, b: 0.75 };

/** How many times a title's words count, against once for the abstract's. */
export const TITLE_REPEATS = 2;

/** Keeps the `n` best of a stream without sorting all of it. */
export function topN(scores: Float32Array | Float64Array, n: number, isCandidate: (label: number) => boolean): Scored[] {
  const best: Scored[] = [];
  if (n <= 0) return best;
  for (let label = 0; label < scores.length; label++) {
    const score = scores[label]!;
    if (score <= 0 || !isCandidate(label)) continue;
    if (best.length < n) {
      best.push({ label, score });
      if (best.length === n) best.sort((a, b) => b.score - a.score);
    } else if (score > best[n - 1]!.score) {
      let i = n - 1;
      while (i > 0 && best[i - 1]!.score < score) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = { label, score };
    }
  }
  return best.length < n ? best.sort((a, b) => b.score - a.score) : best;
}

const MAGIC = 'PSBM';
// 2: compounds split where letters meet digits too (text/terms.ts).
const VERSION = 2;

/**
 * Okapi BM25 over titles and abstracts; a title counts TITLE_REPEATS times, as titles name what a paper is about.
 * Postings live in flat typed arrays (term → range of doc labels and frequencies): compact in
 * memory, and saved and loaded as they are, so a large index starts without re-tokenizing.
 */
export class Bm25Index {
  private constructor(
    private readonly termIds: Map<string, number>,
    /** Postings of term t are rows offsets[t] … offsets[t + 1] - 1. */
    private readonly offsets: Uint32Array,
    private readonly docs: Uint32Array,
    private readonly freqs: Uint16Array,
    private readonly lengths: Float32Array,
    private readonly averageLength: number,
    private readonly documentCount: number,
  ) {}

  /** Builds the index one document per step (see util/cooperative.ts). */
  static *buildSteps(
    documents: readonly ({ title: string; abstract: string } | undefined)[],
    titleRepeats = TITLE_REPEATS,
  ): Generator<void, Bm25Index> {
    const lengths = new Float32Array(documents.length);
    const termIds = new Map<string, number>();
    const perTerm: { docs: number[]; freqs: number[] }[] = [];
    let total = 0;
    let count = 0;
    for (const [label, doc] of documents.entries()) {
      yield;
      if (!doc) continue;
      const titleWords = terms(doc.title);
      const words = [...Array.from({ length: titleRepeats }, () => titleWords).flat(), ...terms(doc.abstract)];
      const freqs = new Map<string, number>();
      for (const word of words) freqs.set(word, (freqs.get(word) ?? 0) + 1);
      for (const [word, freq] of freqs) {
        let id = termIds.get(word);
        if (id === undefined) {
          id = perTerm.length;
          termIds.set(word, id);
          perTerm.push({ docs: [], freqs: [] });
        }
        perTerm[id]!.docs.push(label);
        perTerm[id]!.freqs.push(Math.min(freq, 0xffff));
      }
      lengths[label] = words.length;
      total += words.length;
      count++;
    }
    const offsets = new Uint32Array(perTerm.length + 1);
    perTerm.forEach((p, t) => (offsets[t + 1] = offsets[t]! + p.docs.length));
    const docs = new Uint32Array(offsets[perTerm.length]!);
    const freqs = new Uint16Array(docs.length);
    perTerm.forEach((p, t) => {
      docs.set(p.docs, offsets[t]!);
      freqs.set(p.freqs, offsets[t]!);
    });
    return new Bm25Index(termIds, offsets, docs, freqs, lengths, count ? total / count : 1, count);
  }

  private idf(df: number): number {
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  /** The query's distinct terms, each with its IDF; a term no document has gets the highest IDF. */
  termWeights(query: string): Map<string, number> {
    const weights = new Map<string, number>();
    for (const word of terms(query)) {
      const id = this.termIds.get(word);
      weights.set(word, this.idf(id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!));
    }
    return weights;
  }

  /** The most any document could score for the query (every term at saturation): a scale for scores. */
  maxScore(query: string, { k1 }: Bm25Params = BM25_PARAMS): number {
    let max = 0;
    for (const weight of this.termWeights(query).values()) max += weight * (k1 + 1);
    return max;
  }

  /** Scores every document for the query; labels index the returned array. */
  scores(query: string, { k1, b }: Bm25Params = BM25_PARAMS): Float64Array {
    const scores = new Float64Array(this.lengths.length);
    for (const word of new Set(terms(query))) {
      const id = this.termIds.get(word);
      if (id === undefined) continue;
      const start = this.offsets[id]!;
      const end = this.offsets[id + 1]!;
      const idf = this.idf(end - start);
      for (let i = start; i < end; i++) {
        const label = this.docs[i]!;
        const tf = this.freqs[i]!;
        const norm = k1 * (1 - b + (b * this.lengths[label]!) / this.averageLength);
        scores[label]! += (idf * tf * (k1 + 1)) / (tf + norm);
      }
    }
    return scores;
  }

  search(query: string, n: number, isCandidate: (label: number) => boolean = () => true): Scored[] {
    return topN(this.scores(query), n, isCandidate);
  }

  /** "PSBM" | version | header length | JSON header (terms, counts) | offsets | docs | freqs | lengths */
  serialize(): Buffer {
    const header = Buffer.from(
      JSON.stringify({
        terms: [...this.termIds.keys()],
        averageLength: this.averageLength,
        documentCount: this.documentCount,
        postings: this.docs.length,
        labels: this.lengths.length,
      }),
    );
    const prefix = Buffer.alloc(12);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(VERSION, 4);
    prefix.writeUInt32LE(header.length, 8);
    const pad = Buffer.alloc((4 - ((12 + header.length) % 4)) % 4);
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const freqPad = Buffer.alloc(this.freqs.byteLength % 4);
    return Buffer.concat([prefix, header, pad, bytes(this.offsets), bytes(this.docs), bytes(this.freqs), freqPad, bytes(this.lengths)]);
  }

  static deserialize(buffer: Buffer): Bm25Index {
    if (buffer.toString('latin1', 0, 4) !== MAGIC || buffer.readUInt32LE(4) !== VERSION) throw new Error('not a paperscout BM25 index');
    const headerLength = buffer.readUInt32LE(8);
    const header = JSON.parse(buffer.toString('utf8', 12, 12 + headerLength)) as {
      terms: string[];
      averageLength: number;
      documentCount: number;
      postings: number;
      labels: number;
    };
    let offset = 12 + headerLength;
    offset += (4 - (offset % 4)) % 4;
    // Copies into aligned arrays of their own, independent of the file buffer.
    const take = <T>(make: (b: ArrayBuffer) => T, bytes: number): T => {
      const copy = new ArrayBuffer(bytes);
      new Uint8Array(copy).set(buffer.subarray(offset, offset + bytes));
      offset += bytes;
      return make(copy);
    };
    const offsets = take((b) => new Uint32Array(b), (header.terms.length + 1) * 4);
    const docs = take((b) => new Uint32Array(b), header.postings * 4);
    const freqs = take((b) => new Uint16Array(b), header.postings * 2);
    offset += (header.postings * 2) % 4;
    const lengths = take((b) => new Float32Array(b), header.labels * 4);
    const termIds = new Map(header.terms.map((term, i) => [term, i]));
    return new Bm25Index(termIds, offsets, docs, freqs, lengths, header.averageLength, header.documentCount);
  }
}
