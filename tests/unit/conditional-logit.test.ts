import { describe, expect, it } from 'vitest';
import { fitConditionalLogit, topPrecision, type LogitGroup } from '../../src/eval/conditional-logit.js';

// Groups where the positive item is the one with the highest first feature; the second is noise.
const groups: LogitGroup[] = Array.from({ length: 30 }, (_, g) => {
  const features = [0, 1, 2].map((i) => [((i + g) % 3) / 2, ((i * 7 + g * 5) % 11) / 10]);
  const best = features.reduce((b, x, i) => (x[0]! > features[b]![0]! ? i : b), 0);
  return { features, positive: features.map((_, i) => i === best) };
});

describe('fitConditionalLogit', () => {
  it('learns to put the weight on the feature that picks the positive, not on noise', () => {
    const fit = fitConditionalLogit(groups);
    expect(fit.weights[0]).toBeGreaterThan(1);
    expect(Math.abs(fit.weights[1]!)).toBeLessThan(fit.weights[0]! / 2);
    expect(topPrecision(groups, (x) => x[0]! * fit.weights[0]! + x[1]! * fit.weights[1]!)).toBe(1);
  });

  it('has a lower loss than the zero weights it starts from', () => {
    expect(fitConditionalLogit(groups).loss).toBeLessThan(fitConditionalLogit(groups, { steps: 0 }).loss);
    expect(fitConditionalLogit(groups, { steps: 0 }).loss).toBeCloseTo(Math.log(3));
  });

  it('shrinks the weights under an L2 penalty', () => {
    expect(fitConditionalLogit(groups, { l2: 1 }).weights[0]).toBeLessThan(fitConditionalLogit(groups).weights[0]!);
  });

  it('counts every positive of a group as the right choice', () => {
    const two: LogitGroup = { features: [[1], [1], [0]], positive: [true, true, false] };
    expect(fitConditionalLogit([two]).weights[0]).toBeGreaterThan(0);
  });
});

describe('topPrecision', () => {
  it('is the share of groups whose best item is positive, the first among equals', () => {
    const g = (positive: boolean[]): LogitGroup => ({ features: positive.map((_, i) => [i]), positive });
    expect(topPrecision([g([false, true]), g([true, false])], (x) => x[0]!)).toBe(0.5);
    expect(topPrecision([{ features: [[1], [1]], positive: [true, false] }], (x) => x[0]!)).toBe(1);
    expect(topPrecision([], (x) => x[0]!)).toBe(0);
  });
});
