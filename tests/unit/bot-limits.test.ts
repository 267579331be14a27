import type { APIEmbed } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { clampEmbed, embedLength, fitEmbeds } from '../../src/bot/render/limits.js';
import { embedChars, totalEmbedChars } from './bot-fixtures.js';


const long = (n: number, word = 'lorem') => `${word} `.repeat(Math.ceil(n / (word.length + 1))).slice(0, n);

function expectEachPartWithinLimits(embed: APIEmbed): void {
  expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
  expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
  expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(256);
  expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
  for (const f of embed.fields ?? []) {
    expect(f.name.length).toBeLessThanOrEqual(256);
    expect(f.value.length).toBeLessThanOrEqual(1024);
  }
}

describe('embedLength', () => {
  it('counts title, description, footer, author and fields', () => {
    const embed: APIEmbed = {
      title: 'abc',
      description: 'defg',
      footer: { text: 'hi' },
      author: { name: 'x' },
      fields: [{ name: 'n', value: 'vv' }, { name: 'nn', value: 'v' }],
      url: 'https://example.com/not-counted',
    };
    expect(embedLength(embed)).toBe(3 + 4 + 2 + 1 + 3 + 3);
    expect(embedLength({})).toBe(0);
  });
});

describe('clampEmbed', () => {
  it('clamps every part to its own limit', () => {
    const embed = clampEmbed({
      title: long(1000),
      description: long(10_000),
      footer: { text: long(5000) },
      author: { name: long(1000) },
      fields: Array.from({ length: 30 }, (_, i) => ({ name: long(1000, `n${i}`), value: long(5000) })),
    });
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(embed.footer!.text.length).toBeLessThanOrEqual(2048);
    expect(embed.author!.name.length).toBeLessThanOrEqual(256);
    expect(embed.fields).toHaveLength(25);
    for (const f of embed.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      expect(f.value.endsWith('…')).toBe(true);
    }
    // The first 25 fields are kept, in order.
    expect(embed.fields![24]!.name.startsWith('n24')).toBe(true);
  });

  it('leaves parts that fit untouched', () => {
    const input: APIEmbed = { title: 'T', description: 'D', url: 'https://e.com', color: 5, fields: [{ name: 'a', value: 'b', inline: true }] };
    const out = clampEmbed(input);
    expect(out).toMatchObject(input);
  });
});

describe('fitEmbeds', () => {
  it('keeps at most 10 embeds, the first ones', () => {
    const embeds = Array.from({ length: 12 }, (_, i) => ({ title: `embed ${i}` }));
    const fitted = fitEmbeds(embeds);
    expect(fitted).toHaveLength(10);
    expect(fitted.map((e) => e.title)).toEqual(embeds.slice(0, 10).map((e) => e.title));
  });

  it('clamps each part of each embed', () => {
    const fitted = fitEmbeds([
      {
        title: long(300),
        description: long(5000),
        footer: { text: long(2100) },
        fields: [{ name: long(300), value: long(1100) }, ...Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' }))],
      },
    ]);
    const embed = fitted[0]!;
    expectEachPartWithinLimits(embed);
    expect(embed.title!.endsWith('…')).toBe(true);
    expect(embed.footer!.text.endsWith('…')).toBe(true);
    expect(embed.fields).toHaveLength(25);
    expect(embed.fields![0]!.name.endsWith('…')).toBe(true);
    expect(embed.fields![0]!.value.endsWith('…')).toBe(true);
    expect(embed.description!.endsWith('…')).toBe(true);
    expect(totalEmbedChars(fitted)).toBeLessThanOrEqual(6000);
  });

  it('clamps every embed, not only the first', () => {
    const fitted = fitEmbeds(Array.from({ length: 4 }, () => ({ title: long(400), footer: { text: long(100) } })));
    for (const embed of fitted) expect(embed.title!.length).toBeLessThanOrEqual(256);
  });

  it('brings several 4096-character descriptions under 6000 in all', () => {
    const embeds = Array.from({ length: 5 }, (_, i) => ({ title: `Paper ${i}`, description: long(4096), footer: { text: 'footer' } }));
    const fitted = fitEmbeds(embeds);
    expect(fitted).toHaveLength(5);
    expect(totalEmbedChars(fitted)).toBeLessThanOrEqual(6000);
    fitted.forEach(expectEachPartWithinLimits);
    // Titles and footers are not what gets shortened.
    expect(fitted.map((e) => e.title)).toEqual(embeds.map((e) => e.title));
    expect(fitted.every((e) => e.footer?.text === 'footer')).toBe(true);
  });

  it('uses the room it has: shortens no more than word-boundary rounding needs', () => {
    const fitted = fitEmbeds(Array.from({ length: 3 }, () => ({ description: long(4096) })));
    expect(totalEmbedChars(fitted)).toBeGreaterThan(6000 - 3 * 50);
  });

  it('shortens the longest description first and leaves short ones alone', () => {
    const short = long(500);
    const fitted = fitEmbeds([{ description: short }, { description: long(4096) }, { description: long(2000) }]);
    expect(totalEmbedChars(fitted)).toBeLessThanOrEqual(6000);
    expect(fitted[0]!.description).toBe(short);
    expect(fitted[2]!.description).toBe(long(2000));
    expect(fitted[1]!.description!.length).toBeLessThan(4096);
    expect(fitted[1]!.description!.endsWith('…')).toBe(true);
  });

  it('leaves embeds already within 6000 unchanged', () => {
    const embeds = [{ title: 'a', description: long(3000) }, { title: 'b', description: long(2900) }];
    expect(fitEmbeds(embeds)).toEqual(embeds.map((e) => ({ ...e, footer: undefined, author: undefined, fields: undefined })));
  });

  it('does not mutate its input', () => {
    const embeds = [
      { description: long(4096), fields: [{ name: 'f', value: long(1024) }] },
      { description: long(4096), fields: [{ name: 'f', value: long(1024) }] },
    ];
    const copy = structuredClone(embeds);
    fitEmbeds(embeds);
    expect(embeds).toEqual(copy);
  });

  it('gets an embed set with only huge fields under 6000', () => {
    const embeds = Array.from({ length: 3 }, (_, e) => ({
      fields: Array.from({ length: 25 }, (_, i) => ({ name: `field ${e}.${i}`, value: long(1024) })),
    }));
    const fitted = fitEmbeds(embeds);
    expect(totalEmbedChars(fitted)).toBeLessThanOrEqual(6000);
    fitted.forEach(expectEachPartWithinLimits);
    for (const f of fitted.flatMap((e) => e.fields ?? [])) expect(f.value.length).toBeGreaterThan(0);
  });

  it('gets under 6000 when fields alone exceed it and a description is present', () => {
    // The descriptions shrink to "…" (length 1), are still picked as the longest, and never shrink further.
    const fitted = fitEmbeds([
      { description: long(300), fields: Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: long(1024) })) },
    ]);
    expect(totalEmbedChars(fitted)).toBeLessThanOrEqual(6000);
  });

  it('gets under 6000 when titles and footers alone exceed it', () => {
    const embeds = Array.from({ length: 10 }, (_, i) => ({ title: long(256, `t${i}`), footer: { text: long(2048) } }));
    const fitted = fitEmbeds(embeds);
    expect(totalEmbedChars(fitted)).toBeLessThanOrEqual(6000);
  });

  it('counts embed characters the way the checks in these tests do', () => {
    const embed = { title: 'x', description: 'yy', fields: [{ name: 'a', value: 'bcd' }] };
    expect(embedLength(embed)).toBe(embedChars(embed));
  });
});
