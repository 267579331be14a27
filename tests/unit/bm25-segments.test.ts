import { describe, expect, it } from 'vitest';
import { Bm25Index, Bm25Segment, Bm25SegmentBuilder, type Bm25Document } from '../../src/search/bm25.js';
import { runToEnd } from '../../src/util/cooperative.js';

const docs: Bm25Document[] = [
  { title: 'Scaling MLPs: A Tale of Inductive Bias', abstract: 'We revisit multi-layer perceptrons and study how they scale with data and compute.' },
  { title: 'Efficient Attention for Long Documents', abstract: 'Transformers struggle with long inputs; we propose sparse attention that scales linearly.' },
  { title: 'Graph Neural Networks for Molecules', abstract: 'We predict molecular properties with message passing over atoms and bonds.' },
  { title: 'A Survey of Language Models', abstract: 'Language models are trained on large corpora; we survey data, compute and evaluation.' },
  { title: 'Message Passing with Attention on Graphs', abstract: 'Attention over neighbours improves message passing for molecules and social graphs.' },
];
const QUERIES = ['message passing for molecules', 'attention scales', 'data and compute', 'language models survey', 'graphs'];

const segmentOf = (first: number, documents: readonly (Bm25Document | undefined)[]) => runToEnd(Bm25Segment.buildSteps(first, documents));
const roundTrip = (segment: Bm25Segment) => Bm25Segment.deserialize(Buffer.concat(segment.serialize()));
const scores = (index: Bm25Index) => QUERIES.map((q) => Array.from(index.scores(q), (s) => Number(s.toFixed(10))));

describe('BM25 segments', () => {
  it('scores across segments exactly as one index over the same documents', () => {
    const whole = runToEnd(Bm25Index.buildSteps(docs));
    const split = new Bm25Index([segmentOf(0, docs.slice(0, 3)), segmentOf(3, docs.slice(3))], docs.length);
    expect(scores(split)).toEqual(scores(whole));
    expect(split.termWeights('message passing')).toEqual(whole.termWeights('message passing'));
  });

  it('counts a dead label in no statistic: scores equal those of a fresh build of the live documents', () => {
    // Label 2 was removed after its segment was written; a fresh build would have no document there.
    const live = (label: number) => label !== 2;
    const withDead = new Bm25Index([segmentOf(0, docs.slice(0, 3)), segmentOf(3, docs.slice(3))], docs.length, live);
    const fresh = runToEnd(Bm25Index.buildSteps(docs.map((d, label) => (live(label) ? d : undefined))));
    expect(scores(withDead)).toEqual(scores(fresh));
    expect(withDead.scores('molecular properties atoms')[2]).toBe(0);
  });

  it('survives serialize and deserialize unchanged, first label included', () => {
    const segment = segmentOf(7, docs);
    const read = roundTrip(segment);
    expect(read.firstLabel).toBe(7);
    expect(read.labels).toBe(docs.length);
    const labels = 7 + docs.length;
    expect(scores(new Bm25Index([read], labels))).toEqual(scores(new Bm25Index([segment], labels)));
  });

  it('merges consecutive segments into one, dropping dead labels, with the same scores', () => {
    const live = (label: number) => label !== 1 && label !== 4;
    const parts = [segmentOf(0, docs.slice(0, 2)), segmentOf(2, docs.slice(2, 3)), segmentOf(3, docs.slice(3))];
    const merged = Bm25SegmentBuilder.merge(parts, live);
    expect(merged).toMatchObject({ firstLabel: 0, labels: docs.length });
    expect(scores(new Bm25Index([roundTrip(merged)], docs.length, live))).toEqual(scores(new Bm25Index(parts, docs.length, live)));
    // A dead label keeps no postings in the merged segment.
    expect(Array.from(merged.docs)).not.toContain(1);
    expect(Array.from(merged.docs)).not.toContain(4);
  });

  it('refuses a buffer that is not a segment, or one cut short', () => {
    expect(() => Bm25Segment.deserialize(Buffer.from('PSEC something else'))).toThrow(/not a paperscout BM25 segment/);
    const bytes = Buffer.concat(segmentOf(0, docs).serialize());
    expect(() => Bm25Segment.deserialize(bytes.subarray(0, bytes.length - 4))).toThrow();
  });
});
