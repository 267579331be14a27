// Plain ASCII (most abstracts) has no accents to strip; skipping NFKD keeps tokenizing off the hot path.
const folded = (text: string) => (/^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '')).toLowerCase();

/**
 * Lower-cased, accent-free runs of letters and digits: text as paperscout compares it, whatever its
 * case, accents or punctuation (titles that match, terms that search).
 */
export function words(text: string): string[] {
  return folded(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * The words of `text` as people type them, each split into its parts: at hyphens and where letters
 * meet digits, so "CIFAR-10", "CIFAR10" and "cifar 10" all give `cifar` and `10`.
 */
export function compoundWords(text: string): string[][] {
  const result: string[][] = [];
  // A compound is a run of letters, digits and hyphens (hyphen, Unicode hyphen, non-breaking hyphen);
  // its parts are its runs of letters and its runs of digits.
  for (const chunk of folded(text).split(/[^\p{L}\p{N}\-\u2010\u2011]+/u)) {
    const parts = chunk.match(/\p{L}+|\p{N}+/gu);
    if (parts) result.push(parts);
  }
  return result;
}
