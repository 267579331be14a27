/**
 * Hand-built engine results for the bot rendering tests, and checks every rendered payload must pass.
 * Not a test file: imported by tests/unit/bot-*.test.ts.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import { expect } from 'vitest';
import type { EngineStats, ReloadReport } from '../../src/engine/engine.js';
import type { AskHit, AskResult, PaperCard, PaperDetail, SimilarHit, TrendingItem, TrendingResult } from '../../src/engine/results.js';
import type { PaperLinks } from '../../src/papers/paper.js';
import type { MessagePayload } from '../../src/bot/render/payload.js';

/** A modern arXiv id, distinct for each n: 2401.10001, 2401.10002, … */
export const arxivId = (n: number) => `2401.${String(10000 + n)}`;

export function arxivLinks(id: string): PaperLinks {
  return {
    primary: `https://arxiv.org/abs/${id}`,
    arxiv: `https://arxiv.org/abs/${id}`,
    pdf: `https://arxiv.org/pdf/${id}`,
    huggingFace: `https://huggingface.co/papers/${id}`,
  };
}

export function paperCard(n: number, overrides: Partial<PaperCard> = {}): PaperCard {
  const id = overrides.id ?? arxivId(n);
  return {
    id,
    title: `Paper number ${n} on efficient attention`,
    url: `https://arxiv.org/abs/${id}`,
    links: arxivLinks(id),
    authors: ['Ada Lovelace', 'Alan Turing'],
    date: '2024-01-15',
    ...overrides,
  };
}

export function askHit(rank: number, overrides: Partial<AskHit> = {}): AskHit {
  return {
    ...paperCard(rank),
    rank,
    score: 0.8,
    summary: [
      { text: `Sentence that answers the question for paper ${rank}.`, matched: true },
      { text: `A supporting sentence for paper ${rank}.`, matched: false },
    ],
    ...overrides,
  };
}

/** An /ask result page: `count` hits ranked from `offset + 1`. */
export function askResult(count: number, overrides: Partial<AskResult> = {}): AskResult {
  const offset = overrides.offset ?? 0;
  return {
    query: 'how do MLPs scale on vision tasks?',
    truncated: false,
    tookMs: 42.4,
    timings: { embedMs: 4.2, lexicalMs: 3.3, searchMs: 30.1, summaryMs: 8.1 },
    confidence: 0.7,
    lowConfidence: false,
    searched: 1234,
    offset,
    hasMore: true,
    results: Array.from({ length: count }, (_, i) => askHit(offset + i + 1)),
    ...overrides,
  };
}

export function similarHit(rank: number, overrides: Partial<SimilarHit> = {}): SimilarHit {
  return {
    ...paperCard(100 + rank),
    rank,
    similarity: 0.9 - rank / 100,
    tldr: `A short summary of similar paper ${rank}.`,
    ...overrides,
  };
}

export function trendingItem(rank: number, overrides: Partial<TrendingItem> = {}): TrendingItem {
  return {
    ...paperCard(200 + rank),
    rank,
    upvotes: 100 - rank,
    tldr: `What paper ${rank} of the day does, in one sentence.`,
    ...overrides,
  };
}

export function trendingResult(count: number, overrides: Partial<TrendingResult> = {}): TrendingResult {
  const offset = overrides.offset ?? 0;
  return {
    date: '2024-05-02',
    days: ['2024-05-02', '2024-05-01', '2024-04-30'],
    total: 40,
    offset,
    items: Array.from({ length: count }, (_, i) => trendingItem(offset + i + 1)),
    ...overrides,
  };
}

export function paperDetail(overrides: Partial<PaperDetail> = {}): PaperDetail {
  return {
    ...paperCard(1),
    abstract: 'We study how attention scales. We find that it scales well.',
    tldr: 'Attention scales well.',
    upvotes: 17,
    listings: [{ date: '2024-01-16', rank: 3 }],
    similar: [similarHit(1), similarHit(2), similarHit(3)],
    ...overrides,
  };
}

export function reloadReport(overrides: Partial<ReloadReport> = {}): ReloadReport {
  return {
    added: 3,
    updated: 2,
    removed: 1,
    refreshed: 4,
    embedded: 5,
    embeddedTexts: 60,
    count: 1234,
    fullRebuild: false,
    unchanged: false,
    tookMs: 12_345,
    problems: [],
    problemCount: overrides.problems?.length ?? 0,
    ...overrides,
  };
}

export function engineStats(overrides: Partial<EngineStats> = {}): EngineStats {
  return {
    papers: 1234,
    model: 'Xenova/all-MiniLM-L6-v2',
    dimension: 384,
    indexBuiltAt: '2024-05-01T00:00:00.000Z',
    indexLoadedAt: '2024-05-01T00:00:05.000Z',
    reloading: false,
    days: 12,
    ...overrides,
  };
}

// ---- checks on rendered payloads ----

/** What Discord counts toward a message's 6000 embed characters, computed independently of src. */
export function embedChars(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

export const totalEmbedChars = (embeds: readonly APIEmbed[]) => embeds.reduce((sum, e) => sum + embedChars(e), 0);

export function customIds(payload: MessagePayload): string[] {
  return payload.components.flatMap((row) => row.components.map((b) => b.custom_id));
}

/** Every text of a payload a user sees: content, and each embed's title, description, fields and footer. */
export function visibleTexts(payload: MessagePayload): string[] {
  return [
    payload.content,
    ...payload.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', e.footer?.text ?? '', e.author?.name ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]),
  ];
}

/** Characters from `chars` not escaped by a backslash (i.e. preceded by an even number of backslashes). */
export function unescaped(text: string, chars: string): string[] {
  const found: string[] = [];
  let backslashes = 0;
  for (const ch of text) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (chars.includes(ch) && backslashes % 2 === 0) found.push(ch);
    backslashes = 0;
  }
  return found;
}

/** Asserts everything Discord would reject or that could ping someone. */
export function expectWithinDiscordLimits(payload: MessagePayload): void {
  expect(payload.allowedMentions).toEqual({ parse: [] });
  expect(payload.content.length).toBeLessThanOrEqual(2000);
  expect(payload.embeds.length).toBeLessThanOrEqual(10);
  expect(totalEmbedChars(payload.embeds)).toBeLessThanOrEqual(6000);
  for (const embed of payload.embeds) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
  }
  expect(payload.components.length).toBeLessThanOrEqual(5);
  for (const row of payload.components) {
    expect(row.components.length).toBeGreaterThan(0);
    expect(row.components.length).toBeLessThanOrEqual(5);
    for (const b of row.components) expect(b.label?.length ?? 0).toBeLessThanOrEqual(80);
  }
  const ids = customIds(payload);
  for (const id of ids) {
    expect(id.length).toBeGreaterThan(0);
    expect(id.length).toBeLessThanOrEqual(100);
  }
  expect(new Set(ids).size).toBe(ids.length);
}
