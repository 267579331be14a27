import { describe, expect, it } from 'vitest';
import { terms } from '../../src/text/terms.js';

describe('terms', () => {
  it('lower-cases and stems content words, dropping function words', () => {
    expect(terms('The Scaling of Transformers in Vision')).toEqual(['scale', 'transform', 'vision']);
  });

  it('drops the stopwords of paper abstracts too', () => {
    expect(terms('We propose a method based on graphs, using proposed shows')).toEqual(['method', 'graph']);
  });

  it('strips accents before stemming, so spellings with and without them meet', () => {
    expect(terms('naïve café')).toEqual(terms('naive cafe'));
    expect(terms('Ångström')).toEqual(['angstrom']);
  });

  it('splits on anything that is not a letter or digit, in any script', () => {
    expect(terms('GPT-4/ViT_L16')).toEqual(['gpt', '4', 'vit', 'l16']);
    expect(terms('深度学习 模型')).toEqual(['深度学习', '模型']);
  });

  it('keeps words with digits as they are (not stemmed)', () => {
    expect(terms('resnets resnet50s')).toEqual(['resnet', 'resnet50s']);
  });

  it('drops words longer than 40 characters and empty input', () => {
    expect(terms(`${'a'.repeat(41)} token`)).toEqual(['token']);
    expect(terms('a'.repeat(40))).toHaveLength(1);
    expect(terms('')).toEqual([]);
    expect(terms(' ,.;  ')).toEqual([]);
  });
});
