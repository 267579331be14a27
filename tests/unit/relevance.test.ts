import { describe, expect, it } from 'vitest';
import { KNOWN_MODELS, LEXICAL_RELEVANCE, relevanceFit } from '../../src/embedding/models.js';
import { relevance } from '../../src/engine/relevance.js';

describe('relevance', () => {
  const fit = { bias: -7, dense: 3, sentence: 3, coverage: 7 };

  it('is the logistic of the weighted evidence', () => {
    const evidence = { dense: 0.5, sentence: 0.6, coverage: 0.3 };
    expect(relevance(evidence, fit)).toBeCloseTo(1 / (1 + Math.exp(-(-7 + 1.5 + 1.8 + 2.1))), 12);
  });

  it("stays below 1 even for the strongest evidence with the default model's fit: no result reads 100% by clamping", () => {
    const minilm = relevanceFit('Xenova/all-MiniLM-L6-v2');
    expect(relevance({ dense: 1, sentence: 1, coverage: 1 }, minilm)).toBeLessThan(0.995);
    expect(relevance({ dense: 0, sentence: 0, coverage: 0 }, minilm)).toBeGreaterThan(0);
  });

  it('rises with each kind of evidence', () => {
    const base = { dense: 0.4, sentence: 0.4, coverage: 0.2 };
    for (const key of ['dense', 'sentence', 'coverage'] as const) {
      expect(relevance({ ...base, [key]: base[key] + 0.1 }, fit), key).toBeGreaterThan(relevance(base, fit));
    }
  });

  it("uses a model's own fit when it has one, and the lexical one otherwise", () => {
    const fitted = Object.values(KNOWN_MODELS).filter((m) => m.relevance);
    expect(fitted.map((m) => m.id)).toContain('Xenova/all-MiniLM-L6-v2');
    for (const m of fitted) expect(relevanceFit(m.id)).toBe(m.relevance);
    expect(relevanceFit('someone/unknown-model')).toBe(LEXICAL_RELEVANCE);
  });
});
