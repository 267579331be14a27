import { stemmer } from 'stemmer';
import { compoundWords } from './words.js';

// Function words carry no topic; dropping them keeps BM25 from rewarding "the" and "of".
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
  our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
  these they this those through to too under until up very was we were what when where which while who whom why will
  with would you your yours yourself yourselves also via using use used based paper propose proposed show shows`.split(/\s+/),
);

const MAX_TERM_CHARS = 40;

const stem = (word: string) => (/^\p{L}+$/u.test(word) ? stemmer(word) : word);

/**
 * Lower-cased, accent-free, stemmed content words: the vocabulary of lexical search. A compound
 * ("CIFAR-10", "ResNet50") gives its parts, so it meets every way of typing it ("cifar 10"); a lone
 * letter of a compound is no term.
 */
export function terms(text: string): string[] {
  const result: string[] = [];
  for (const parts of compoundWords(text)) {
    for (const part of parts) {
      if (parts.length > 1 && part.length === 1 && !/\p{N}/u.test(part)) continue;
      if (!STOPWORDS.has(part) && part.length <= MAX_TERM_CHARS) result.push(stem(part));
    }
  }
  return result;
}
