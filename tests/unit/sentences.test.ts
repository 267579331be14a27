import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/text/sentences.js';

function sentences(text: string): string[] {
  return splitSentences(text).map(({ start, end }) => text.slice(start, end));
}

describe('splitSentences', () => {
  it('returns spans that map back to the trimmed sentences of the text', () => {
    const text = '  Language models can recall facts precisely.   They also rely on heuristics quite often.\n\nWe study both behaviours in detail.  ';
    const spans = splitSentences(text);
    expect(sentences(text)).toEqual([
      'Language models can recall facts precisely.',
      'They also rely on heuristics quite often.',
      'We study both behaviours in detail.',
    ]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThan(spans[i - 1]!.end);
    for (const { start, end } of spans) {
      expect(text[start]).not.toMatch(/\s/);
      expect(text[end - 1]).not.toMatch(/\s/);
    }
  });

  it('does not split after "e.g." or inside a decimal like 93.5%', () => {
    const text = 'We compare several baselines, e.g. linear probes and MLPs, on each task. Our model reaches 93.5% accuracy on ImageNet-1k.';
    expect(sentences(text)).toEqual([
      'We compare several baselines, e.g. linear probes and MLPs, on each task.',
      'Our model reaches 93.5% accuracy on ImageNet-1k.',
    ]);
  });

  it('merges a very short fragment into the sentence before it', () => {
    const text = 'The method improves accuracy on every benchmark. It works. Further gains come from scaling the data.';
    expect(sentences(text)).toEqual([
      'The method improves accuracy on every benchmark. It works.',
      'Further gains come from scaling the data.',
    ]);
  });

  it('lets a short leading fragment absorb the next sentence', () => {
    const text = 'Dr. Smith proposed this method for large graphs. It is now widely used in practice by many teams.';
    const result = sentences(text);
    expect(result[0]).toBe('Dr. Smith proposed this method for large graphs.');
    expect(result).toHaveLength(2);
  });

  it('keeps a single short text as one span', () => {
    expect(splitSentences('Short.')).toEqual([{ start: 0, end: 6 }]);
  });

  it('returns no spans for empty or whitespace-only text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('   \n\t ')).toEqual([]);
  });

  it('covers every non-space character of the text exactly once', () => {
    const text = 'First sentence is long enough to stand. Second (2). Third one is also long enough, e.g. this. Fourth? Yes! Done with it all now.';
    const spans = splitSentences(text);
    const covered = spans.map(({ start, end }) => text.slice(start, end)).join(' ');
    expect(covered.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  });
});
