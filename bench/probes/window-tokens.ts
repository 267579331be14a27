/**
 * Counts the model tokens a build of the real HF corpus runs, first windows apart from later ones
 * (the windows late chunking adds for passages past the model's length):
 *   tsx bench/probes/window-tokens.ts [--sources <dir>]
 * Tokenizes only; no model run. Attention grows with the square of a window's length, so the
 * squared lengths are summed too.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { loadEngineConfig } from '../../src/config.js';
import { specialsOf } from '../../src/embedding/embedder.js';
import { planPassage } from '../../src/embedding/late-chunking.js';
import { readHfDays } from '../../src/eval/hf-set.js';
import { passageWithSentences } from '../../src/index/build.js';
import { preparePaper } from '../../src/index/build-plan.js';

const root = resolve(new URL('../../', import.meta.url).pathname);
const { values } = parseArgs({ options: { sources: { type: 'string', default: join(root, '../shared/realworld/hf-days') } } });
const { model, modelsDir } = loadEngineConfig();
env.localModelPath = modelsDir + '/';
env.allowRemoteModels = false;
const tokenizer = await AutoTokenizer.from_pretrained(model.id);
const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
const specials = specialsOf(tokenizer);

const total = { papers: 0, longer: 0, firstTokens: 0, laterTokens: 0, firstSquares: 0, laterSquares: 0 };
for (const paper of readHfDays(values.sources)) {
  const { inputs } = planPassage(passageWithSentences(preparePaper(paper)), model.passagePrefix, encode, specials, model.maxTokens);
  total.papers++;
  if (inputs.length > 1) total.longer++;
  inputs.forEach((input, window) => {
    if (window === 0) {
      total.firstTokens += input.length;
      total.firstSquares += input.length ** 2;
    } else {
      total.laterTokens += input.length;
      total.laterSquares += input.length ** 2;
    }
  });
}
const share = (later: number, first: number) => (later / (first + later)).toFixed(3);
console.log(
  JSON.stringify({
    ...total,
    tokensPerPaper: Math.round((total.firstTokens + total.laterTokens) / total.papers),
    laterTokenShare: share(total.laterTokens, total.firstTokens),
    laterSquareShare: share(total.laterSquares, total.firstSquares),
  }),
);
