import { dot } from '../search/vectors.js';

/**
 * What a server (or a member) likes, learned from its 👍 votes over paper embeddings. Two models, both
 * pure: a Rocchio profile and an L2-regularized logistic regression (the role of arxiv-sanity's
 * per-tag SVM). `npm run eval -- --set taste` compares them on the real days.
 */
export type TasteMethod = 'rocchio' | 'logistic';

/** Chosen by `npm run eval -- --set taste` (see the README's taste section for the figures). */
export const DEFAULT_TASTE_METHOD: TasteMethod = 'logistic';

export interface TasteExamples {
  /** Unit vectors of the papers voted for. */
  liked: readonly Float32Array[];
  /** Unit vectors of papers seen beside them (listed the same days) and not voted for. */
  passed: readonly Float32Array[];
}

/** Higher is more to the taste; only the order matters. */
export type TasteScore = (vector: Float32Array) => number;

const mean = (vectors: readonly Float32Array[], dimension: number): Float32Array => {
  const sum = new Float32Array(dimension);
  for (const v of vectors) for (let i = 0; i < dimension; i++) sum[i]! += v[i]!;
  if (vectors.length) for (let i = 0; i < dimension; i++) sum[i]! /= vectors.length;
  return sum;
};

/** Rocchio: the mean of the liked papers, less a share of the mean of the papers passed over. */
export function rocchioTaste(examples: TasteExamples, passedWeight = 0.5): TasteScore {
  const dimension = examples.liked[0]?.length ?? 0;
  const liked = mean(examples.liked, dimension);
  const passed = mean(examples.passed, dimension);
  const profile = liked.map((value, i) => value - passedWeight * passed[i]!);
  return (vector) => dot(profile, vector);
}

export interface LogisticSettings {
  /** L2 penalty on the weights (not the bias). */
  l2: number;
  /** Full-batch gradient steps. */
  steps: number;
}

export const DEFAULT_LOGISTIC: LogisticSettings = { l2: 0.01, steps: 150 };

/**
 * Logistic regression, liked = 1 and passed = 0, with the two classes weighted equally (a few votes
 * against many papers passed over), by full-batch gradient descent from zero: the same votes always
 * give the same model. The step is 1/L for the loss's smoothness bound L = 1/4 + l2 on unit vectors.
 */
export function logisticTaste(examples: TasteExamples, settings: LogisticSettings = DEFAULT_LOGISTIC): TasteScore {
  if (!examples.passed.length) return rocchioTaste(examples);
  const dimension = examples.liked[0]?.length ?? 0;
  const rows = [...examples.liked.map((x) => ({ x, y: 1 })), ...examples.passed.map((x) => ({ x, y: 0 }))];
  const classWeight = (y: number) => 0.5 / (y ? examples.liked.length : examples.passed.length);
  const weights = new Float32Array(dimension);
  let bias = 0;
  const rate = 1 / (0.25 + settings.l2);
  const gradient = new Float32Array(dimension);
  for (let step = 0; step < settings.steps; step++) {
    gradient.fill(0);
    let biasGradient = 0;
    for (const { x, y } of rows) {
      const p = 1 / (1 + Math.exp(-(dot(weights, x) + bias)));
      const error = classWeight(y) * (p - y);
      for (let i = 0; i < dimension; i++) gradient[i]! += error * x[i]!;
      biasGradient += error;
    }
    for (let i = 0; i < dimension; i++) weights[i]! -= rate * (gradient[i]! + settings.l2 * weights[i]!);
    bias -= rate * biasGradient;
  }
  return (vector) => dot(weights, vector) + bias;
}

export function trainTaste(examples: TasteExamples, method: TasteMethod = DEFAULT_TASTE_METHOD): TasteScore {
  return method === 'rocchio' ? rocchioTaste(examples) : logisticTaste(examples);
}

/** The liked paper a candidate is most like (its index in `liked`), for the reason shown with it. */
export function closestLiked(vector: Float32Array, liked: readonly Float32Array[]): number {
  let best = 0;
  for (let i = 1; i < liked.length; i++) if (dot(vector, liked[i]!) > dot(vector, liked[best]!)) best = i;
  return best;
}
