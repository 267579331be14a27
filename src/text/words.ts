const folded = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Lower-cased, accent-free runs of letters and digits: text as paperscout compares it, whatever its
 * case, accents or punctuation (titles that match, terms that search).
 */
export function words(text: string): string[] {
  return folded(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

// Hyphen, Unicode hyphen and non-breaking hyphen: the marks that join a compound ("CIFAR-10", "pre‑trained").
const HYPHENS = /[-\u2010\u2011]+/u;

/**
 * The words of `text` as people type them, each split into its parts: at hyphens and where letters
 * meet digits, so "CIFAR-10", "CIFAR10" and "cifar 10" all give `cifar` and `10`.
 */
export function compoundWords(text: string): string[][] {
  const result: string[][] = [];
  for (const chunk of folded(text).split(/[^\p{L}\p{N}\-\u2010\u2011]+/u)) {
    const parts = chunk
      .split(HYPHENS)
      .flatMap((part) => part.split(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u))
      .filter(Boolean);
    if (parts.length) result.push(parts);
  }
  return result;
}
