import { join, resolve } from 'node:path';
import { loadEngineConfig } from '../config.js';
import { Engine } from '../engine/engine.js';
import type { RankingWeights } from '../engine/rank.js';
import { createLogger } from '../log.js';
import { confidences, rankOf } from './evaluate.js';
import { calibrateThreshold, readNonBlankLines, readQuestions, retrievalScores, type Calibration, type RetrievalScores } from './metrics.js';
import { VARIANTS } from './variants.js';
import { evalEngineConfig, modelSlug } from './workspace.js';

export interface SeedOptions {
  model: string;
  questions: string;
  ood: string;
  grid?: boolean;
}

interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface SeedReport {
  set: 'seed';
  model: string;
  questions: number;
  outOfDomain: number;
  createdAt: string;
  variants: Record<string, RetrievalScores>;
  /** Papers asked for by their title. */
  titles: number;
  titleMrr: number;
  calibration: Calibration;
  /** `atConfigured`: what the configured threshold does on the seed (shares as in Calibration). */
  confidence: { inDomain: Spread; outOfDomain: Spread; configured: number; atConfigured: Omit<Calibration, 'threshold'> };
  sampleTookMs: number;
}

/**
 * The seed set: hit@1, hit@3 and MRR for each ranking variant, title → paper MRR, and the
 * low-confidence threshold calibrated on in-domain and out-of-domain questions.
 */
export async function runSeed(opts: SeedOptions): Promise<SeedReport> {
  const config = evalEngineConfig(opts.model, join(loadEngineConfig().dataDir, 'eval', modelSlug(opts.model)));
  const engine = await Engine.open(config, { log: createLogger({ level: 'warn' }) });
  const questions = readQuestions(resolve(opts.questions));
  const outOfDomain = readNonBlankLines(resolve(opts.ood));

  const variants: Record<string, RankingWeights> = { ...VARIANTS };
  if (opts.grid) {
    for (const sentence of [0, 0.1, 0.2, 0.3, 0.5]) {
      for (const lexical of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1]) variants[`fused s=${sentence} l=${lexical}`] = { mode: 'fused', sentence, lexical };
    }
  }
  const rows: Record<string, RetrievalScores> = {};
  for (const [name, weights] of Object.entries(variants)) {
    rows[name] = retrievalScores(await rankOf(engine, questions, weights));
  }
  const titles = engine.titles().map(({ id, title }) => ({ question: title, expected: [id] }));
  const titleMrr = retrievalScores(await rankOf(engine, titles)).mrr;
  const inDomainConfidence = await confidences(engine, questions.map((q) => q.question));
  const outOfDomainConfidence = await confidences(engine, outOfDomain);
  const calibration = calibrateThreshold(inDomainConfidence, outOfDomainConfidence);
  const configured = config.lowConfidenceThreshold;
  const spread = (values: number[]): Spread => {
    const sorted = [...values].sort((a, b) => a - b);
    return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
  };
  const timing = (await engine.ask(questions[0]!.question)).tookMs;
  await engine.close();

  return {
    set: 'seed',
    model: config.model.id,
    questions: questions.length,
    outOfDomain: outOfDomain.length,
    createdAt: new Date().toISOString(),
    variants: rows,
    titles: titles.length,
    titleMrr,
    calibration,
    confidence: {
      inDomain: spread(inDomainConfidence),
      outOfDomain: spread(outOfDomainConfidence),
      configured,
      atConfigured: {
        inDomainConfident: inDomainConfidence.filter((c) => c >= configured).length / inDomainConfidence.length,
        outOfDomainFlagged: outOfDomainConfidence.filter((c) => c < configured).length / outOfDomainConfidence.length,
      },
    },
    sampleTookMs: timing,
  };
}

export function seedTable(report: SeedReport): string {
  const { calibration } = report;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const out = [`Model ${report.model}: ${report.questions} questions, ${report.outOfDomain} out-of-domain`, ''];
  out.push(`${'variant'.padEnd(28)} hit@1   hit@3     MRR`);
  for (const [name, s] of Object.entries(report.variants).sort((a, b) => b[1].hitAt1 - a[1].hitAt1 || b[1].mrr - a[1].mrr)) {
    out.push(`${name.padEnd(28)}${pct(s.hitAt1)}${pct(s.hitAt3)}  ${s.mrr.toFixed(3)}`);
  }
  out.push('', `title → paper MRR (all ${report.titles} papers): ${report.titleMrr.toFixed(3)}`);
  const { inDomain, outOfDomain: ood, configured, atConfigured } = report.confidence;
  const fmt = (x: Spread) => `min ${x.min.toFixed(3)}, median ${x.median.toFixed(3)}, max ${x.max.toFixed(3)}`;
  out.push(`confidence of the best match: in-domain ${fmt(inDomain)}; out-of-domain ${fmt(ood)}`);
  out.push(
    `calibrated low-confidence threshold: ${calibration.threshold.toFixed(3)} (configured: ${configured}) ` +
      `(in-domain answered confidently ${pct(calibration.inDomainConfident).trim()}, out-of-domain flagged ${pct(calibration.outOfDomainFlagged).trim()})`,
    `with the configured threshold: in-domain answered confidently ${pct(atConfigured.inDomainConfident).trim()}, out-of-domain flagged ${pct(atConfigured.outOfDomainFlagged).trim()}`,
  );
  return out.join('\n');
}
