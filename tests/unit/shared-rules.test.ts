import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { arxivIdFromLink, normalizeTitle } from '../../src/papers/paper.js';
import { terms } from '../../src/text/terms.js';
import { words } from '../../src/text/words.js';
import { describeZodError } from '../../src/util/zod-issues.js';

describe('rules written once', () => {
  it('arxivIdFromLink reads arXiv abstract and PDF links and Hugging Face paper pages', () => {
    expect(arxivIdFromLink('https://arxiv.org/abs/2306.13575v2')).toBe('2306.13575');
    expect(arxivIdFromLink('https://arxiv.org/pdf/2306.13575.pdf')).toBe('2306.13575');
    expect(arxivIdFromLink('https://huggingface.co/papers/2306.13575/')).toBe('2306.13575');
    expect(arxivIdFromLink('http://arxiv.org/abs/hep-th/9901001')).toBe('hep-th/9901001');
    expect(arxivIdFromLink('https://arxiv.org/abs/not-an-id')).toBeUndefined();
    expect(arxivIdFromLink('https://example.org/papers/2306.13575')).toBeUndefined();
  });

  it('words folds case and accents and splits on everything but letters and digits', () => {
    expect(words('Élan: Vision-Transformers, 2x faster!')).toEqual(['elan', 'vision', 'transformers', '2x', 'faster']);
    expect(words('  ...  ')).toEqual([]);
    expect(normalizeTitle('  Élan:  Vision-Transformers ')).toBe('elan vision transformers');
    expect(terms('The Élan of transformers')).toEqual(['elan', 'transform']);
  });

  it('describeZodError names every field with its problem, or the whole value', () => {
    const parsed = z.object({ a: z.number(), b: z.object({ c: z.string() }) }).safeParse({ a: 'x', b: { c: 1 } });
    expect(parsed.success).toBe(false);
    expect(describeZodError(parsed.error!)).toMatch(/^a: .+; b\.c: .+$/);
    const whole = z.object({}).safeParse(3);
    expect(describeZodError(whole.error!, 'item')).toMatch(/^item: /);
  });
});
