/**
 * Lower-cased, accent-free runs of letters and digits: text as paperscout compares it, whatever its
 * case, accents or punctuation (titles that match, terms that search).
 */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
