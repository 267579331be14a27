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

  it('splits on anything that is not a letter, digit or hyphen, in any script', () => {
    expect(terms('GPT/ViT_L')).toEqual(['gpt', 'vit', 'l']);
    expect(terms('深度学习 模型')).toEqual(['深度学习', '模型']);
  });

  it('splits compounds at hyphens and letter–digit boundaries, dropping their lone letters', () => {
    expect(terms('CIFAR10')).toEqual(['cifar', '10']);
    expect(terms('CIFAR-10')).toEqual(terms('CIFAR10'));
    expect(terms('GPT-4 ViT-L/16 L')).toEqual(['gpt', '4', 'vit', '16', 'l']);
    expect(terms('pre\u2011trained')).toEqual(terms('pre-trained'));
  });

  it('matches a compound however it is typed', () => {
    const abstract = new Set(terms('Results on CIFAR10 and ImageNet'));
    for (const typed of ['CIFAR', 'CIFAR-10', 'cifar 10', 'Cifar10'])
      expect(terms(typed).filter((t) => abstract.has(t)), typed).toEqual(terms(typed));
  });

  it('stems the letter parts of a compound and drops its lone letters', () => {
    expect(terms('resnets resnet50s ResNet-50')).toEqual(['resnet', 'resnet', '50', 'resnet', '50']);
  });

  it('ignores stray hyphens', () => {
    expect(terms('- well- -known --')).toEqual(['well', 'known']);
  });

  it('drops words longer than 40 characters and empty input', () => {
    expect(terms(`${'a'.repeat(41)} token`)).toEqual(['token']);
    expect(terms('a'.repeat(40))).toHaveLength(1);
    expect(terms('')).toEqual([]);
    expect(terms(' ,.;  ')).toEqual([]);
  });
});
