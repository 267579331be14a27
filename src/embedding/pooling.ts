export interface HiddenShape {
  batch: number;
  tokens: number;
  dimension: number;
}

/** Scales a vector to unit length in place; a zero vector stays zero. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/**
 * Turns token embeddings [batch, tokens, dimension] into one unit vector per text: the mean over
 * real (unmasked) tokens, or the [CLS] token, as the model was trained.
 */
export function poolAndNormalize(
  hidden: Float32Array,
  attentionMask: BigInt64Array | Int32Array,
  { batch, tokens, dimension }: HiddenShape,
  pooling: 'mean' | 'cls',
): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const vector = new Float32Array(dimension);
    const base = b * tokens * dimension;
    if (pooling === 'cls') {
      vector.set(hidden.subarray(base, base + dimension));
    } else {
      let count = 0;
      for (let t = 0; t < tokens; t++) {
        if (!attentionMask[b * tokens + t]) continue;
        count++;
        const offset = base + t * dimension;
        for (let d = 0; d < dimension; d++) vector[d]! += hidden[offset + d]!;
      }
      if (count > 0) for (let d = 0; d < dimension; d++) vector[d]! /= count;
    }
    vectors.push(normalizeInPlace(vector));
  }
  return vectors;
}
