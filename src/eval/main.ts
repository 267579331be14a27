#!/usr/bin/env node
/**
 * Retrieval quality on the evaluation set: hit@1, hit@3 and MRR for each ranking variant, title →
 * paper MRR, and the low-confidence threshold calibrated on in-domain and out-of-domain questions.
 *   npm run eval -- [--model minilm|bge-small] [--json]
 */
import 'dotenv/config';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { envWith, loadEngineConfig, loadModelName } from '../config.js';
import { Engine } from '../engine/engine.js';
import { DEFAULT_WEIGHTS, type RankingWeights } from '../engine/rank.js';
import { createLogger } from '../log.js';
import { confidences, rankOf } from './evaluate.js';
import { calibrateThreshold, readNonBlankLines, readQuestions, retrievalScores } from './metrics.js';
import { isMain } from '../util/is-main.js';

export const VARIANTS: Record<string, RankingWeights> = {
  'dense (abstract only)': { mode: 'dense', sentence: 0, lexical: 0 },
  'dense + sentences': { mode: 'dense', sentence: DEFAULT_WEIGHTS.sentence, lexical: 0 },
  'bm25 only': { mode: 'bm25', sentence: 0, lexical: 1 },
  'rrf (dense, bm25)': { mode: 'rrf', sentence: 0, lexical: 1 },
  'fused (default)': DEFAULT_WEIGHTS,
};

async function main(): Promise<void> {
  const opts = new Command()
    .option('--model <model>', 'embedding model or alias', loadModelName())
    .option('--questions <path>', 'JSONL of {question, expected}', 'tests/eval/questions.jsonl')
    .option('--ood <path>', 'out-of-domain questions, one per line', 'tests/eval/out-of-domain.txt')
    .option('--grid', 'also search a grid of fusion weights')
    .option('--json', 'print JSON')
    .parse()
    .opts<{ model: string; questions: string; ood: string; grid?: boolean; json?: boolean }>();

  const base = loadEngineConfig();
  const config = loadEngineConfig(
    envWith({
      EMBEDDING_MODEL: opts.model,
      PAPERSCOUT_DATA_DIR: join(base.dataDir, 'eval', opts.model.replace(/[^\w.-]+/g, '_')),
      PAPERSCOUT_MODELS_DIR: base.modelsDir,
    }),
  );
  const engine = await Engine.open(config, { log: createLogger({ level: 'warn' }) });
  const questions = readQuestions(resolve(opts.questions));
  const outOfDomain = readNonBlankLines(resolve(opts.ood));

  const variants: Record<string, RankingWeights> = { ...VARIANTS };
  if (opts.grid) {
    for (const sentence of [0, 0.1, 0.2, 0.3, 0.5]) {
      for (const lexical of [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1]) variants[`fused s=${sentence} l=${lexical}`] = { mode: 'fused', sentence, lexical };
    }
  }
  const rows: Record<string, ReturnType<typeof retrievalScores>> = {};
  for (const [name, weights] of Object.entries(variants)) {
    rows[name] = retrievalScores(await rankOf(engine, questions, weights));
  }
  const titles = engine.titles().map(({ id, title }) => ({ question: title, expected: [id] }));
  const titleMrr = retrievalScores(await rankOf(engine, titles)).mrr;
  const inDomainConfidence = await confidences(engine, questions.map((q) => q.question));
  const outOfDomainConfidence = await confidences(engine, outOfDomain);
  const calibration = calibrateThreshold(inDomainConfidence, outOfDomainConfidence);
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
  };
  const timing = (await engine.ask(questions[0]!.question)).tookMs;
  await engine.close();

  const report = {
    model: config.model.id,
    questions: questions.length,
    outOfDomain: outOfDomain.length,
    variants: rows,
    titleMrr,
    calibration,
    confidence: { inDomain: spread(inDomainConfidence), outOfDomain: spread(outOfDomainConfidence), configured: config.lowConfidenceThreshold },
    sampleTookMs: timing,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const out = [`Model ${report.model}: ${questions.length} questions, ${outOfDomain.length} out-of-domain`, ''];
  out.push(`${'variant'.padEnd(28)} hit@1   hit@3     MRR`);
  for (const [name, s] of Object.entries(rows).sort((a, b) => b[1].hitAt1 - a[1].hitAt1 || b[1].mrr - a[1].mrr)) {
    out.push(`${name.padEnd(28)}${pct(s.hitAt1)}${pct(s.hitAt3)}  ${s.mrr.toFixed(3)}`);
  }
  out.push('', `title → paper MRR (all ${titles.length} papers): ${titleMrr.toFixed(3)}`);
  const { inDomain, outOfDomain: ood, configured } = report.confidence;
  const fmt = (x: { min: number; median: number; max: number }) => `min ${x.min.toFixed(3)}, median ${x.median.toFixed(3)}, max ${x.max.toFixed(3)}`;
  out.push(`confidence of the best match: in-domain ${fmt(inDomain)}; out-of-domain ${fmt(ood)}`);
  out.push(
    `calibrated low-confidence threshold: ${calibration.threshold.toFixed(3)} (configured: ${configured}) ` +
      `(in-domain answered confidently ${pct(calibration.inDomainConfident).trim()}, out-of-domain flagged ${pct(calibration.outOfDomainFlagged).trim()})`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

if (isMain(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`eval: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
