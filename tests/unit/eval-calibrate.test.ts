import { describe, expect, it } from 'vitest';
import { prng } from '../../bench/harness/random.js';
import { relevance } from '../../src/engine/relevance.js';
import { fitRelevance, labelledResults, reliability, topConfidences, type LabelledResult } from '../../src/eval/calibrate.js';
import { calibrateThreshold } from '../../src/eval/metrics.js';

/** Results whose relevance is drawn from a known logistic model of the evidence. */
function synthetic(n: number, seed: number): LabelledResult[] {
  const next = prng(seed);
  const truth = { bias: -4, dense: 5, sentence: 1, coverage: 3 };
  return Array.from({ length: n }, () => {
    const evidence = { dense: next(), sentence: next(), coverage: next() };
    return { evidence, relevant: next() < relevance(evidence, truth) };
  });
}

describe('fitRelevance', () => {
  it('recovers the weights of the logistic model the labels were drawn from', () => {
    const fit = fitRelevance([synthetic(20_000, 1)]);
    expect(fit.bias).toBeCloseTo(-4, 0);
    expect(fit.dense).toBeCloseTo(5, 0);
    expect(fit.coverage).toBeCloseTo(3, 0);
  });

  it('fits only the features named; the others get weight 0', () => {
    const fit = fitRelevance([synthetic(5_000, 2)], ['coverage']);
    expect(fit.dense).toBe(0);
    expect(fit.sentence).toBe(0);
    expect(fit.coverage).toBeGreaterThan(0);
  });

  it('is calibrated on its own data: each bucket predicts about the share observed', () => {
    const data = synthetic(20_000, 3);
    const rows = reliability(data, fitRelevance([data]));
    for (const row of rows.filter((r) => r.results > 500)) expect(Math.abs(row.predicted - row.observed)).toBeLessThan(0.05);
    expect(rows.reduce((s, r) => s + r.results, 0)).toBe(data.length);
    for (const row of rows) expect(row.predicted).toBeLessThan(1);
  });
});

describe('labelledResults and topConfidences', () => {
  const pooled = [
    {
      relevant: new Set(['b']),
      maxLexical: 10,
      candidates: [
        { label: 0, dense: 0.9, sentence: 0.5, lexical: 0 },
        { label: 1, dense: 0.2, sentence: 0.1, lexical: 5 },
      ],
    },
  ];
  const ids = ['a', 'b'];

  it('labels the top results by the judgements, with lexical coverage on a 0..1 scale', () => {
    const rows = labelledResults(pooled, ids, { mode: 'dense', sentence: 0, lexical: 0 }, 1);
    expect(rows).toEqual([{ evidence: { dense: 0.9, sentence: 0.5, coverage: 0 }, relevant: false }]);
    const bm25 = labelledResults(pooled, ids, { mode: 'bm25', sentence: 0, lexical: 1 }, 2);
    expect(bm25[0]).toEqual({ evidence: { dense: 0.2, sentence: 0.1, coverage: 0.5 }, relevant: true });
  });

  it("reports the top result's semantic score as the confidence", () => {
    expect(topConfidences(pooled, { mode: 'bm25', sentence: 0.5, lexical: 1 })).toEqual([0.15000000000000002]);
  });
});

describe('calibrateThreshold', () => {
  // 40 in-domain confidences 0.40, 0.41, …, 0.79, and out-of-domain ones of which one sits among them.
  const inDomain = Array.from({ length: 40 }, (_, i) => 0.4 + i / 100);
  const outOfDomain = [0.1, 0.15, 0.2, 0.25, 0.455];

  it('chases the last out-of-domain question by balanced accuracy, flagging in-domain ones on the way', () => {
    const { threshold, inDomainConfident, outOfDomainFlagged } = calibrateThreshold(inDomain, outOfDomain);
    expect(threshold).toBeGreaterThan(0.455);
    expect(outOfDomainFlagged).toBe(1);
    expect(inDomainConfident).toBeLessThan(0.95);
  });

  it('flags no more in-domain questions than the floor allows, the best separation within it', () => {
    const { threshold, inDomainConfident, outOfDomainFlagged } = calibrateThreshold(inDomain, outOfDomain, 0.95);
    expect(inDomainConfident).toBeGreaterThanOrEqual(0.95);
    expect(outOfDomainFlagged).toBe(0.8);
    expect(threshold).toBeGreaterThan(0.25);
    expect(threshold).toBeLessThanOrEqual(0.4);
  });
});
