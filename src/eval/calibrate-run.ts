import { join } from 'node:path';
import { resolveModelId, type RelevanceFit } from '../embedding/models.js';
import { CANDIDATE_DEPTH, DEFAULT_WEIGHTS } from '../engine/rank.js';
import { BM25_PARAMS, TITLE_REPEATS } from '../search/bm25.js';
import { fitRelevance, labelledResults, reliability, topConfidences, type ReliabilityRow } from './calibrate.js';
import { calibrateThreshold, type Calibration, type EvalQuestion } from './metrics.js';
import { EvidencePool, type JudgedQuestion, type PooledQuestion } from './pool.js';
import { readSciFact } from './scifact.js';
import { fixed3, textTable } from './table.js';
import { tuningQuestions } from './tune.js';

export interface Flagged {
  flagged: number;
  of: number;
}

export interface CalibrationReport {
  set: 'calibration';
  model: string;
  createdAt: string;
  /** The fit of this model's evidence, and of lexical evidence alone (for models without a fit). */
  fit: RelevanceFit;
  lexicalFit: RelevanceFit;
  /** Top-10 results of the tuning questions (SciFact train, hf ai_summary sample). */
  train: ReliabilityRow[];
  /** Top-10 results of SciFact test claims and the held-out hf questions, by the fit of this run. */
  test: { scifact: ReliabilityRow[]; questions: ReliabilityRow[] };
  /** The low-confidence threshold that best separates SciFact train claims from the out-of-domain questions. */
  lowConfidence: Calibration & {
    configured: number;
    /** Questions flagged with the threshold chosen here. */
    scifactTest: Flagged;
    outOfDomainScifact: Flagged;
    hfQuestions: Flagged;
    outOfDomainHf: Flagged;
  };
}

const judged = (questions: readonly EvalQuestion[]): JudgedQuestion[] => questions.map((q) => ({ text: q.question, relevant: new Set(q.expected) }));
const unjudged = (questions: readonly string[]): JudgedQuestion[] => questions.map((text) => ({ text, relevant: new Set() }));

function flagged(confidences: readonly number[], threshold: number): Flagged {
  return { flagged: confidences.filter((c) => c < threshold).length, of: confidences.length };
}

/**
 * Fits the shown relevance on the tuning questions and chooses the low-confidence threshold on
 * SciFact train against the out-of-domain questions; the test sets are only reported.
 */
export async function runCalibration(options: {
  model: string;
  realworld: string;
  hfSample: number;
  hfQuestions: readonly EvalQuestion[];
  outOfDomain: readonly string[];
  configuredThreshold: number;
}): Promise<CalibrationReport> {
  const { sci, hf } = tuningQuestions(options.realworld, options.hfSample);
  const sciTest = readSciFact(join(options.realworld, 'scifact'), 'dev').claims.map((c): JudgedQuestion => ({ text: c.text, relevant: c.relevant }));
  const ood = unjudged(options.outOfDomain);
  const sciPool = await EvidencePool.forSet('scifact', options.model, sci.papers, [...sci.questions, ...sciTest, ...ood]);
  const hfPool = await EvidencePool.forSet('hf', options.model, hf.papers, [...hf.questions, ...judged(options.hfQuestions), ...ood]);
  const settings = { bm25: BM25_PARAMS, titleRepeats: TITLE_REPEATS, depth: CANDIDATE_DEPTH };
  const sciPooled = sciPool.pools(settings);
  const hfPooled = hfPool.pools(settings);
  sciPool.close();
  hfPool.close();
  // Each pool holds its questions in the order given: tuning, test, out-of-domain.
  const split = <T>(all: readonly T[], first: number, second: number) => [all.slice(0, first), all.slice(first, first + second), all.slice(first + second)] as const;
  const [sciTrain, sciTested, sciOod] = split(sciPooled, sci.questions.length, sciTest.length);
  const [hfTrain, hfTested, hfOod] = split(hfPooled, hf.questions.length, options.hfQuestions.length);

  const weights = DEFAULT_WEIGHTS;
  const trainSets = [labelledResults(sciTrain, sciPool.ids, weights), labelledResults(hfTrain, hfPool.ids, weights)];
  const fit = fitRelevance(trainSets);
  const lexicalFit = fitRelevance(trainSets, ['coverage']);
  const confidence = (pooled: readonly PooledQuestion[]) => topConfidences(pooled, weights);
  const calibration = calibrateThreshold(confidence(sciTrain), confidence(sciOod));
  const { threshold } = calibration;
  return {
    set: 'calibration',
    model: resolveModelId(options.model),
    createdAt: new Date().toISOString(),
    fit,
    lexicalFit,
    train: reliability(trainSets.flat(), fit),
    test: {
      scifact: reliability(labelledResults(sciTested, sciPool.ids, weights), fit),
      questions: reliability(labelledResults(hfTested, hfPool.ids, weights), fit),
    },
    lowConfidence: {
      ...calibration,
      configured: options.configuredThreshold,
      scifactTest: flagged(confidence(sciTested), threshold),
      outOfDomainScifact: flagged(confidence(sciOod), threshold),
      hfQuestions: flagged(confidence(hfTested), threshold),
      outOfDomainHf: flagged(confidence(hfOod), threshold),
    },
  };
}

export function calibrationTable(report: CalibrationReport): string {
  const rows = (r: ReliabilityRow[]) => r.map((b) => [b.bucket, String(b.results), fixed3(b.predicted), fixed3(b.observed)]);
  const head = ['predicted', 'results', 'mean predicted', 'observed relevant'];
  const { lowConfidence: lc } = report;
  const share = (f: Flagged) => `${f.flagged}/${f.of}`;
  return [
    `Calibration, model ${report.model}`,
    `relevance fit: ${JSON.stringify(report.fit)}; lexical only: ${JSON.stringify(report.lexicalFit)}`,
    '',
    'train (SciFact train + hf ai_summary sample, top 10 each):',
    textTable(head, rows(report.train)),
    '',
    'test, SciFact test claims (top 10; unjudged papers count as not relevant):',
    textTable(head, rows(report.test.scifact)),
    '',
    'test, held-out hf questions (top 10; one or two answers each):',
    textTable(head, rows(report.test.questions)),
    '',
    `low-confidence threshold chosen on SciFact train vs out-of-domain: ${lc.threshold.toFixed(3)} (configured ${lc.configured})`,
    `flagged: SciFact test ${share(lc.scifactTest)}, out-of-domain on SciFact ${share(lc.outOfDomainScifact)}, ` +
      `hf questions ${share(lc.hfQuestions)}, out-of-domain on hf ${share(lc.outOfDomainHf)}`,
  ].join('\n');
}
