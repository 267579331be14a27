export interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// Fragments this short ("(2)", "Fig. 3.") read badly on their own, so they join the sentence before.
const MIN_SENTENCE_CHARS = 25;

/** Splits text into sentence spans (offsets into `text`), trimmed of surrounding whitespace. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const lead = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (!trimmed) continue;
    const span = { start: index + lead, end: index + lead + trimmed.length };
    const previous = spans.at(-1);
    if (previous && (trimmed.length < MIN_SENTENCE_CHARS || previous.end - previous.start < MIN_SENTENCE_CHARS)) {
      previous.end = span.end;
    } else {
      spans.push(span);
    }
  }
  return spans;
}
