import { terms } from '../text/terms.js';

export interface Scored {
  label: number;
  score: number;
}

interface Postings {
  docs: number[];
  freqs: number[];
}

const K1 = 1.2;
const B = 0.75;

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

/** Okapi BM25 over titles and abstracts; a title counts twice, as titles name what a paper is about. */
export class Bm25Index {
  private readonly postings = new Map<string, Postings>();
  private readonly lengths: Float32Array;
  private readonly averageLength: number;
  private readonly documentCount: number;

  constructor(documents: readonly ({ title: string; abstract: string } | undefined)[]) {
    this.lengths = new Float32Array(documents.length);
    let total = 0;
    let count = 0;
    documents.forEach((doc, label) => {
      if (!doc) return;
      const words = [...terms(doc.title), ...terms(doc.title), ...terms(doc.abstract)];
      const freqs = new Map<string, number>();
      for (const word of words) freqs.set(word, (freqs.get(word) ?? 0) + 1);
      for (const [word, freq] of freqs) {
        let entry = this.postings.get(word);
        if (!entry) this.postings.set(word, (entry = { docs: [], freqs: [] }));
        entry.docs.push(label);
        entry.freqs.push(freq);
      }
      this.lengths[label] = words.length;
      total += words.length;
      count++;
    });
    this.documentCount = count;
    this.averageLength = count ? total / count : 1;
  }

  /** Scores every document for the query; labels index the returned array. */
  scores(query: string): Float64Array {
    const scores = new Float64Array(this.lengths.length);
    for (const word of new Set(terms(query))) {
      const entry = this.postings.get(word);
      if (!entry) continue;
      const df = entry.docs.length;
      const idf = Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
      for (let i = 0; i < df; i++) {
        const label = entry.docs[i]!;
        const tf = entry.freqs[i]!;
        const norm = K1 * (1 - B + (B * this.lengths[label]!) / this.averageLength);
        scores[label]! += (idf * tf * (K1 + 1)) / (tf + norm);
      }
    }
    return scores;
  }

  search(query: string, n: number, isCandidate: (label: number) => boolean = () => true): Scored[] {
    return topN(this.scores(query), n, isCandidate);
  }
}
