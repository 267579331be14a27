import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodError } from '../util/zod-issues.js';

export interface EvalQuestion {
  question: string;
  expected: string[];
}

const questionSchema = z.object({ question: z.string().min(1), expected: z.array(z.string()).min(1) });

export function readQuestions(path: string): EvalQuestion[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const parsed = questionSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}, line ${i + 1}: ${describeZodError(parsed.error)}`);
      return parsed.data;
    });
}

/** A file's lines, trimmed, blank ones skipped: one question per line. */
export function readNonBlankLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** 1-based rank of the first expected id among the ranked ids, or Infinity. */
export function firstHit(ranked: readonly string[], expected: readonly string[]): number {
  const index = ranked.findIndex((id) => expected.includes(id));
  return index < 0 ? Infinity : index + 1;
}

export interface RetrievalScores {
  hitAt1: number;
  hitAt3: number;
  mrr: number;
  n: number;
}

export function retrievalScores(ranks: readonly number[]): RetrievalScores {
  const n = ranks.length;
  const share = (pass: (r: number) => boolean) => (n ? ranks.filter(pass).length / n : 0);
  return {
    hitAt1: share((r) => r <= 1),
    hitAt3: share((r) => r <= 3),
    mrr: n ? ranks.reduce((sum, r) => sum + (Number.isFinite(r) ? 1 / r : 0), 0) / n : 0,
    n,
  };
}

export interface Calibration {
  threshold: number;
  /** Share of in-domain questions at or above the threshold (answered confidently). */
  inDomainConfident: number;
  /** Share of out-of-domain questions below the threshold (flagged as low confidence). */
  outOfDomainFlagged: number;
}

/**
 * The threshold that best separates in-domain from out-of-domain confidences: maximal balanced
 * accuracy, and among equals the midpoint of the widest gap, so it generalizes rather than hugs a point.
 * With `minInDomainConfident`, only thresholds that answer at least that share of in-domain questions
 * confidently are considered (the lowest threshold when none does).
 */
export function calibrateThreshold(inDomain: readonly number[], outOfDomain: readonly number[], minInDomainConfident = 0): Calibration {
  const points = [...new Set([...inDomain, ...outOfDomain])].sort((a, b) => a - b);
  const candidates = points.slice(1).map((p, i) => (p + points[i]!) / 2);
  let best: Calibration & { accuracy: number; gap: number } = { threshold: 0, inDomainConfident: 0, outOfDomainFlagged: 0, accuracy: -1, gap: 0 };
  candidates.forEach((threshold, i) => {
    const inDomainConfident = inDomain.filter((c) => c >= threshold).length / Math.max(1, inDomain.length);
    if (inDomainConfident < minInDomainConfident && i > 0) return;
    const outOfDomainFlagged = outOfDomain.filter((c) => c < threshold).length / Math.max(1, outOfDomain.length);
    const accuracy = (inDomainConfident + outOfDomainFlagged) / 2;
    const gap = points[i + 1]! - points[i]!;
    if (accuracy > best.accuracy + 1e-9 || (Math.abs(accuracy - best.accuracy) <= 1e-9 && gap > best.gap)) {
      best = { threshold, inDomainConfident, outOfDomainFlagged, accuracy, gap };
    }
  });
  const { threshold, inDomainConfident, outOfDomainFlagged } = best;
  return { threshold, inDomainConfident, outOfDomainFlagged };
}
