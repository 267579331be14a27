/**
 * A conditional logit: one linear score per item, a softmax over the items of each group, fit so
 * that the groups' positive items take the probability. Here a group is an abstract, an item one of
 * its sentences, and the positives its annotated rationale sentences.
 */

/** One group: each item's feature row, and which items are positive (at least one). */
export interface LogitGroup {
  features: readonly (readonly number[])[];
  positive: readonly boolean[];
}

export interface LogitFit {
  weights: number[];
  /** Mean negative log-likelihood per group, without the penalty. */
  loss: number;
}

const dotRow = (w: readonly number[], x: readonly number[]) => x.reduce((sum, v, i) => sum + v * w[i]!, 0);

/** Loss and gradient of the mean negative log-probability of each group's positives. */
function lossAndGradient(groups: readonly LogitGroup[], w: readonly number[]): { loss: number; gradient: number[] } {
  const gradient = w.map(() => 0);
  let loss = 0;
  for (const g of groups) {
    const scores = g.features.map((x) => dotRow(w, x));
    const top = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - top));
    const all = exp.reduce((a, b) => a + b, 0);
    const pos = exp.reduce((a, e, i) => a + (g.positive[i] ? e : 0), 0);
    loss += Math.log(all) - Math.log(pos);
    g.features.forEach((x, i) => {
      // d/dw of log Σall − log Σpos: E_all[x] − E_pos[x].
      const share = exp[i]! / all - (g.positive[i] ? exp[i]! / pos : 0);
      x.forEach((v, k) => (gradient[k]! += share * v));
    });
  }
  return { loss: loss / groups.length, gradient: gradient.map((v) => v / groups.length) };
}

/** Fits the weights by full-batch Adam, with an L2 penalty `l2`·|w|². Deterministic: starts at zero. */
export function fitConditionalLogit(groups: readonly LogitGroup[], options: { l2?: number; steps?: number; rate?: number } = {}): LogitFit {
  const { l2 = 0, steps = 1500, rate = 0.05 } = options;
  const dimension = groups[0]?.features[0]?.length ?? 0;
  const w = new Array<number>(dimension).fill(0);
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  for (let t = 1; t <= steps; t++) {
    const { gradient } = lossAndGradient(groups, w);
    for (let k = 0; k < dimension; k++) {
      const g = gradient[k]! + 2 * l2 * w[k]!;
      m[k] = beta1 * m[k]! + (1 - beta1) * g;
      v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
      w[k]! -= (rate * (m[k]! / (1 - beta1 ** t))) / (Math.sqrt(v[k]! / (1 - beta2 ** t)) + epsilon);
    }
  }
  return { weights: w, loss: lossAndGradient(groups, w).loss };
}

/** Share of groups whose best-scoring item (the first among equals) is positive. */
export function topPrecision(groups: readonly LogitGroup[], score: (features: readonly number[]) => number): number {
  if (!groups.length) return 0;
  let hits = 0;
  for (const g of groups) {
    let best = 0;
    g.features.forEach((x, i) => {
      if (score(x) > score(g.features[best]!)) best = i;
    });
    if (g.positive[best]) hits++;
  }
  return hits / groups.length;
}
