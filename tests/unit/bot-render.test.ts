import { ButtonStyle, type APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { decodeButton, questionHash } from '../../src/bot/custom-ids.js';
import { renderAsk, turnsFromMessage } from '../../src/bot/render/ask.js';
import { renderAbstract, renderPaper, renderSimilar, renderTrending } from '../../src/bot/render/lists.js';
import { linkLine } from '../../src/bot/render/paper-parts.js';
import { link, type MessagePayload } from '../../src/bot/render/payload.js';
import { formatDuration, renderReloadSummary, renderStats } from '../../src/bot/render/status.js';
import { escapeMarkdown, relevanceBar } from '../../src/bot/render/text.js';
import type { AskHit } from '../../src/engine/results.js';
import {
  arxivId,
  askHit,
  askResult,
  customIds,
  engineStats,
  expectWithinDiscordLimits,
  paperCard,
  paperDetail,
  reloadReport,
  similarHit,
  totalEmbedChars,
  trendingItem,
  trendingResult,
  unescaped,
  visibleTexts,
} from './bot-fixtures.js';


const buttons = (payload: MessagePayload): APIButtonComponentWithCustomId[] => payload.components.flatMap((r) => r.components);
const buttonLabelled = (payload: MessagePayload, label: string) => buttons(payload).find((b) => b.label === label);

/** Hostile text: markdown, mentions, Unicode and RTL, repeated to `n` characters. */
function hostile(n: number): string {
  const unit = '@everyone <@123> <@&9> **bold** _it_ `code` ||spoiler|| [x](https://evil.example) # h\\ 👩‍👩‍👧‍👦 e\u0301 مرحبا ';
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function expectNoUnescapedMentions(payload: MessagePayload): void {
  for (const text of visibleTexts(payload)) expect(unescaped(text, '@<')).toEqual([]);
}

/** The same, where the only unescaped `<` allowed open a link's URL (`[1](<https://…>)`, which unfurls no preview). */
function expectNoMentionsBesideQuietLinks(payload: MessagePayload): void {
  for (const text of visibleTexts(payload)) expect(unescaped(text.replaceAll('](<https://', ']('), '@<')).toEqual([]);
}

describe('renderAsk', () => {
  it('renders a 5-hit answer within every Discord limit', () => {
    const payload = renderAsk({ result: askResult(5), total: 5 });
    expectWithinDiscordLimits(payload);
    expect(payload.embeds).toHaveLength(5);
    expect(payload.embeds.map((e) => e.title)).toEqual(['1', '2', '3', '4', '5'].map((r) => `${r}. Paper number ${r} on efficient attention`));
    expect(payload.content.split('\n')[0]).toBe('🔎 how do MLPs scale on vision tasks?');
  });

  it('has no Prev/Next when all results fit on one page, only Refine above the paper buttons', () => {
    const payload = renderAsk({ result: askResult(5, { hasMore: false }), total: 5 });
    expect(payload.components).toHaveLength(3);
    expect(buttonLabelled(payload, '◀ Prev')).toBeUndefined();
    expect(buttonLabelled(payload, 'Next ▶')).toBeUndefined();
    expect(customIds(payload)).toEqual([
      `refine:${questionHash('how do MLPs scale on vision tasks?')}:pub:5`,
      ...[1, 2, 3, 4, 5].map((n) => `abs:2401.${10000 + n}`),
      ...[1, 2, 3, 4, 5].map((n) => `sim:2401.${10000 + n}`),
    ]);
    const small = renderAsk({ result: askResult(3, { hasMore: false }), total: 3 });
    expect(small.components).toHaveLength(3);
    expect(small.components.slice(1).every((r) => r.components.length === 3)).toBe(true);
  });

  it('pages a 10-result answer: page 1 has Prev disabled and Next enabled', () => {
    const payload = renderAsk({ result: askResult(5), total: 10 });
    expectWithinDiscordLimits(payload);
    expect(payload.components).toHaveLength(3);
    expect(payload.components[0]!.components.map((b) => b.label)).toEqual(['◀ Prev', 'Next ▶', '✏️ Refine']);
    const hash = questionHash('how do MLPs scale on vision tasks?');
    const prev = buttonLabelled(payload, '◀ Prev')!;
    const next = buttonLabelled(payload, 'Next ▶')!;
    expect(prev.disabled).toBe(true);
    expect(next.disabled).toBe(false);
    expect(prev.custom_id).toBe(`ask:${hash}:0:10`);
    expect(next.custom_id).toBe(`ask:${hash}:5:10`);
    expect(payload.embeds.at(-1)!.footer!.text).toBe('1–5 of 10 · searched 1234 papers in 42 ms');
  });

  it('pages a 10-result answer: page 2 (offset 5) has Prev enabled and Next disabled', () => {
    const payload = renderAsk({ result: askResult(5, { offset: 5, hasMore: true }), total: 10 });
    expectWithinDiscordLimits(payload);
    expect(payload.embeds.map((e) => e.title!.split('.')[0])).toEqual(['6', '7', '8', '9', '10']);
    const prev = buttonLabelled(payload, '◀ Prev')!;
    const next = buttonLabelled(payload, 'Next ▶')!;
    expect(prev.disabled).toBe(false);
    expect(next.disabled).toBe(true);
    expect(decodeButton(prev.custom_id)).toMatchObject({ kind: 'ask', offset: 0, total: 10 });
    expect(payload.embeds.at(-1)!.footer!.text).toBe('6–10 of 10 · searched 1234 papers in 42 ms');
    expect(payload.embeds.slice(0, -1).every((e) => e.footer === undefined)).toBe(true);
    expect(customIds(payload)).toContain('abs:2401.10006');
  });

  it('disables Next when the engine has no more results, even if fewer than asked for', () => {
    const payload = renderAsk({ result: askResult(5, { hasMore: false }), total: 10 });
    expect(buttonLabelled(payload, 'Next ▶')!.disabled).toBe(true);
    expect(payload.embeds.at(-1)!.footer!.text.startsWith('1–5 of 10')).toBe(true);
  });

  it('adds a Votes field and a row of vote buttons in a server, staying within five rows', () => {
    const result = askResult(5);
    const votes = new Map([[result.results[2]!.id, 7]]);
    const payload = renderAsk({ result, total: 10, votes });
    expectWithinDiscordLimits(payload);
    expect(payload.components).toHaveLength(4);
    expect(customIds(payload).filter((id) => id.startsWith('vote:'))).toEqual(result.results.map((h) => `vote:${h.id}`));
    expect(payload.embeds.map((e) => e.fields!.find((f) => f.name === 'Votes')!.value)).toEqual(['👍 0', '👍 0', '👍 7', '👍 0', '👍 0']);
    const dm = renderAsk({ result, total: 10 });
    expect(customIds(dm).some((id) => id.startsWith('vote:'))).toBe(false);
    expect(dm.embeds[0]!.fields!.some((f) => f.name === 'Votes')).toBe(false);
  });

  it('puts the matched sentence in bold and the others not', () => {
    const payload = renderAsk({
      result: askResult(1, {
        results: [
          askHit(1, {
            score: 0.81,
            summary: [
              { text: 'We show attention is enough.', matched: true },
              { text: 'Results on ImageNet follow.', matched: false },
            ],
          }),
        ],
      }),
      total: 1,
    });
    expect(payload.embeds[0]!.description).toBe(`${relevanceBar(0.81)} relevance\n**We show attention is enough.** Results on ImageNet follow.`);
  });

  it('escapes markdown inside summary sentences, so the bold cannot be broken open', () => {
    const payload = renderAsk({
      result: askResult(1, { results: [askHit(1, { summary: [{ text: 'a ** b @here', matched: true }] })] }),
      total: 1,
    });
    expect(payload.embeds[0]!.description!.split('\n')[1]).toBe('**a \\*\\* b \\@here**');
  });

  it('shows the hit fields: date, authors (et al. past three) and links', () => {
    const hit = askHit(1, { authors: ['A One', 'B Two', 'C Three', 'D Four'] });
    const payload = renderAsk({ result: askResult(1, { results: [hit] }), total: 1 });
    const fields = payload.embeds[0]!.fields!;
    expect(fields.map((f) => f.name)).toEqual(['Date', 'Authors', 'Links']);
    expect(fields[1]!.value).toBe('A One, B Two, C Three et al.');
    expect(fields[2]!.value).toContain('[PDF](https://arxiv.org/pdf/2401.10001)');
    expect(payload.embeds[0]!.url).toBe('https://arxiv.org/abs/2401.10001');
  });

  it('warns about low confidence only when the result is low-confidence', () => {
    const weak = renderAsk({ result: askResult(5, { lowConfidence: true }), total: 5 });
    const strong = renderAsk({ result: askResult(5, { lowConfidence: false }), total: 5 });
    expect(weak.content).toContain('No paper matches this question well');
    expect(weak.content).toContain('closest leads');
    expect(strong.content).not.toContain('No paper matches');
    expect(strong.content).not.toContain('⚠️');
    expect(weak.embeds[0]!.color).not.toBe(strong.embeds[0]!.color);
  });

  it('shows the answer above the list, each sentence escaped and cited as [n] linked to its paper without a preview', () => {
    const result = askResult(3, {
      answer: {
        sentences: [
          { text: 'MLPs *scale* well @everyone.', rank: 1, id: arxivId(1) },
          { text: 'Vision MLPs improve [x](y).', rank: 3, id: arxivId(3) },
        ],
      },
    });
    const payload = renderAsk({ result, total: 3 });
    expectWithinDiscordLimits(payload);
    expectNoMentionsBesideQuietLinks(payload);
    const lines = payload.content.split('\n');
    expect(lines[0]).toBe('🔎 how do MLPs scale on vision tasks?');
    expect(lines[1]).toBe(
      `💡 MLPs \\*scale\\* well \\@everyone. \\[[1](<https://arxiv.org/abs/${arxivId(1)}>)\\] ` +
        `Vision MLPs improve \\[x\\]\\(y\\). \\[[3](<https://arxiv.org/abs/${arxivId(3)}>)\\]`,
    );
    expect(payload.embeds.map((e) => e.title!.split('.')[0])).toEqual(['1', '2', '3']);
  });

  it('shows no answer line without an answer, and the low-confidence reply says there is none', () => {
    expect(renderAsk({ result: askResult(5), total: 5 }).content).not.toContain('💡');
    const weak = renderAsk({ result: askResult(5, { lowConfidence: true }), total: 5 });
    expect(weak.content).not.toContain('💡');
    expect(weak.content).toContain('so there is no answer');
  });

  it('fits a long answer beside a long question within the content limit, dropping whole sentences first', () => {
    const long = (n: number) => ({ text: `${'Scaling MLPs @here '.repeat(40)}${n}.`, rank: n, id: arxivId(n) });
    const result = askResult(3, { query: hostile(500), answer: { sentences: [long(1), long(2), long(3)] } });
    const payload = renderAsk({ result, total: 3 });
    expectWithinDiscordLimits(payload);
    expectNoMentionsBesideQuietLinks(payload);
    const answer = payload.content.split('\n').find((l) => l.startsWith('💡'))!;
    expect(answer).toContain(`[1](<https://arxiv.org/abs/${arxivId(1)}>)`);
    expect(answer).not.toContain(`[3](<`);
    expect(payload.content.endsWith('…')).toBe(false);
  });

  it('cuts a first answer sentence too long on its own, keeping its citation', () => {
    const result = askResult(1, { answer: { sentences: [{ text: 'MLPs scale. '.repeat(300), rank: 1, id: arxivId(1) }] } });
    const payload = renderAsk({ result, total: 1 });
    expectWithinDiscordLimits(payload);
    const answer = payload.content.split('\n')[1]!;
    expect(answer).toContain('…');
    expect(answer.endsWith(`\\[[1](<https://arxiv.org/abs/${arxivId(1)}>)\\]`)).toBe(true);
  });

  it('notes when the question was truncated, and only then', () => {
    expect(renderAsk({ result: askResult(5, { truncated: true }), total: 5 }).content).toContain('only its beginning was searched');
    expect(renderAsk({ result: askResult(5), total: 5 }).content).not.toContain('only its beginning');
  });

  it('says there are no results, with the search footer in the content, and can still be refined', () => {
    const payload = renderAsk({ result: askResult(0, { hasMore: false, tookMs: 7.6 }), total: 5 });
    expectWithinDiscordLimits(payload);
    expect(payload.embeds).toEqual([]);
    expect(customIds(payload)).toEqual([`refine:${questionHash('how do MLPs scale on vision tasks?')}:pub:5`]);
    expect(payload.content).toContain('No results.');
    expect(payload.content).toContain('-# searched 1234 papers in 8 ms');
  });

  const trickyQueries = [
    'what is **bold** _attention_?',
    '@everyone <@123> <@&456> <#789> why?',
    'back\\slash \\* \\\\ and trailing \\',
    'emoji 👩‍👩‍👧‍👦 🇫🇷 👍🏽 scaling laws',
    'ما هي آليات الانتباه في المحولات؟',
    'mixed עברית and English (with) [brackets] ~~and~~ ||spoilers|| `code` > quote # head - dash :colon:',
    'e\u0301\u0302 combining marks and 𝔸𝔹ℂ',
    '-# looks like subtext',
    `${'long question with @ and * '.repeat(17)}end`,
  ];

  it.each(trickyQueries)('recovers the exact question from the reply and matches the Next button hash: %s', (query) => {
    const payload = renderAsk({ result: askResult(5, { query }), total: 10 });
    expectWithinDiscordLimits(payload);
    const recovered = turnsFromMessage(payload.content)?.[0];
    expect(recovered).toBe(query);
    const next = decodeButton(buttonLabelled(payload, 'Next ▶')!.custom_id);
    expect(next).toMatchObject({ kind: 'ask', offset: 5, total: 10 });
    expect(next?.kind === 'ask' && next.questionHash).toBe(questionHash(recovered!));
    expect(unescaped(payload.content.split('\n')[0]!, '@<*_`|~')).toEqual([]);
  });

  it('recovers a 500-character question made only of characters that need escaping', () => {
    // The longest question the engine keeps is 500 characters; escaping can double it.
    const query = `${'@'.repeat(499)}a`;
    const payload = renderAsk({ result: askResult(5, { query, truncated: true, lowConfidence: true }), total: 10 });
    expect(turnsFromMessage(payload.content)).toEqual([query]);
  });

  it('returns undefined for a message that is not an /ask reply', () => {
    expect(turnsFromMessage('hello')).toBeUndefined();
    expect(turnsFromMessage('')).toBeUndefined();
  });

  it('keeps huge, hostile titles, summaries and long author lists within limits and unable to mention', () => {
    const manyAuthors = Array.from({ length: 1000 }, (_, i) => `Author ${i} @everyone`);
    const results: AskHit[] = [1, 2, 3, 4, 5].map((rank) =>
      askHit(rank, {
        title: hostile(10_000),
        authors: manyAuthors,
        summary: [
          { text: hostile(10_000), matched: true },
          { text: hostile(10_000), matched: false },
        ],
      }),
    );
    const payload = renderAsk({ result: askResult(5, { results, query: hostile(500), truncated: true, lowConfidence: true }), total: 10 });
    expectWithinDiscordLimits(payload);
    expectNoUnescapedMentions(payload);
    expect(payload.embeds).toHaveLength(5);
  });

  it('keeps hits whose author names are each 10k characters within limits', () => {
    // Three 10k names fill the Authors field (1024) of every hit: with titles and links, the five
    // embeds' fields alone pass 6000 characters.
    const results = [1, 2, 3, 4, 5].map((rank) => askHit(rank, { authors: [hostile(10_000), hostile(10_000), hostile(10_000)] }));
    const payload = renderAsk({ result: askResult(5, { results }), total: 10 });
    expectWithinDiscordLimits(payload);
    expectNoUnescapedMentions(payload);
  });

  it('keeps the relevance line of every hit when the summaries are long', () => {
    const results = [1, 2, 3, 4, 5].map((rank) =>
      askHit(rank, { score: 0.9 - rank / 10, summary: [{ text: 'This sentence goes on and on. '.repeat(60), matched: true }] }),
    );
    const payload = renderAsk({ result: askResult(5, { results }), total: 5 });
    expectWithinDiscordLimits(payload);
    // Each description is shortened a little; none is reduced to a bare "…".
    expect(payload.embeds.map((e) => e.description!.split('\n')[0])).toEqual(results.map((r) => `${relevanceBar(r.score)} relevance`));
  });
});

describe('renderTrending', () => {
  it('keeps 25 items with 2000-character TL;DRs within the description and total limits', () => {
    const result = trendingResult(25, { items: Array.from({ length: 25 }, (_, i) => trendingItem(i + 1, { tldr: hostile(2000) })) });
    const payload = renderTrending(result, 25);
    expectWithinDiscordLimits(payload);
    expectNoUnescapedMentions(payload);
    const embed = payload.embeds[0]!;
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(totalEmbedChars(payload.embeds)).toBeLessThanOrEqual(6000);
    expect(embed.footer!.text).toBe('1–25 of 40 · ranked by upvotes');
    expect(embed.title).toBe('Daily papers · 2024-05-02');
    expect(embed.url).toBe('https://huggingface.co/papers?date=2024-05-02');
  });

  it.each([
    ['without votes', false],
    ['with server votes', true],
  ])('lists every item of a full 20-item page (the most /trending allows) of long-titled papers, %s', (_name, withVotes) => {
    // Long but real-world titles (~120 characters, with '-', ':' and parentheses that escaping doubles).
    const items = Array.from({ length: 20 }, (_, i) =>
      trendingItem(i + 1, {
        title: `LLaMA-Adapter-V2 (LoRA-free): Parameter-Efficient Visual Instruction Tuning for Multi-Modal Large Language Models, Part ${i + 1}`,
        upvotes: 250 - i,
        tldr: 'A LoRA-free adapter (1.2M params) fine-tunes LLaMA-7B for vision-language tasks: GPT-4-level chat on ScienceQA with 14x less compute.',
      }),
    );
    const votes = withVotes ? new Map(items.map((item, i) => [item.id, i])) : undefined;
    const payload = renderTrending(trendingResult(20, { items, total: 20 }), 20, votes);
    expectWithinDiscordLimits(payload);
    const description = payload.embeds[0]!.description!;
    const missing = items.filter((item) => !description.includes(`**${item.rank}.** `)).map((item) => item.rank);
    expect(missing).toEqual([]);
    // Every entry keeps its whole linked title; only TL;DRs are shortened.
    for (const entry of description.split('\n\n')) expect(entry.split('\n')[0]).toMatch(/^\*\*\d+\.\*\* \[.+\]\(https:\/\/[^)\s]+\)/);
  });

  it('adds a vote count to each line and a vote button per paper, five to a row, within five rows', () => {
    const result = trendingResult(20, { total: 20 });
    const votes = new Map([[result.items[0]!.id, 4]]);
    const payload = renderTrending(result, 20, votes);
    expectWithinDiscordLimits(payload);
    expect(payload.components).toHaveLength(5);
    const voteIds = customIds(payload).filter((id) => id.startsWith('vote:'));
    expect(voteIds).toEqual(result.items.map((item) => `vote:${item.id}`));
    const lines = payload.embeds[0]!.description!.split('\n\n');
    expect(lines[0]!.split('\n')[0]!.endsWith(' · ▲ 99 · 👍 4')).toBe(true);
    expect(lines[1]!.split('\n')[0]!.endsWith(' · 👍 0')).toBe(true);
  });

  it('shows each line as rank, linked title, upvotes and TL;DR', () => {
    const payload = renderTrending(trendingResult(2), 10);
    const [first, second] = payload.embeds[0]!.description!.split('\n\n');
    expect(first).toBe('**1.** [Paper number 201 on efficient attention](https://arxiv.org/abs/2401.10201) · ▲ 99\nWhat paper 1 of the day does, in one sentence.');
    expect(second!.startsWith('**2.** ')).toBe(true);
  });

  it('says "in list order" when no item has upvotes', () => {
    const items = [1, 2, 3].map((r) => trendingItem(r, { upvotes: undefined }));
    const payload = renderTrending(trendingResult(3, { items, total: 3 }), 10);
    expect(payload.embeds[0]!.footer!.text).toBe('1–3 of 3 · in list order');
    expect(payload.embeds[0]!.description).not.toContain('▲');
  });

  it('disables Prev on the first page and Next on the last', () => {
    const first = renderTrending(trendingResult(10, { offset: 0, total: 25 }), 10);
    expect(buttonLabelled(first, '◀ Prev')!.disabled).toBe(true);
    expect(buttonLabelled(first, 'Next ▶')!.disabled).toBe(false);
    expect(decodeButton(buttonLabelled(first, 'Next ▶')!.custom_id)).toEqual({ kind: 'trending', date: '2024-05-02', offset: 10, limit: 10 });

    const middle = renderTrending(trendingResult(10, { offset: 10, total: 25 }), 10);
    expect(buttonLabelled(middle, '◀ Prev')!.disabled).toBe(false);
    expect(buttonLabelled(middle, 'Next ▶')!.disabled).toBe(false);
    expect(decodeButton(buttonLabelled(middle, '◀ Prev')!.custom_id)).toEqual({ kind: 'trending', date: '2024-05-02', offset: 0, limit: 10 });

    const last = renderTrending(trendingResult(5, { offset: 20, total: 25 }), 10);
    expect(buttonLabelled(last, '◀ Prev')!.disabled).toBe(false);
    expect(buttonLabelled(last, 'Next ▶')!.disabled).toBe(true);
    expect(last.embeds[0]!.footer!.text).toBe('21–25 of 25 · ranked by upvotes');
    for (const p of [first, middle, last]) expectWithinDiscordLimits(p);

    const only = renderTrending(trendingResult(3, { total: 3 }), 10);
    expect(buttons(only).every((b) => b.disabled)).toBe(true);
  });

  it('explains when no daily lists are indexed', () => {
    const payload = renderTrending({ date: undefined, days: [], total: 0, offset: 0, items: [] }, 10);
    expectWithinDiscordLimits(payload);
    expect(payload.content).toBe('No daily lists are indexed yet. An admin can add one with `/reload`.');
    expect(payload.embeds).toEqual([]);
    expect(payload.components).toEqual([]);
  });

  it('names up to five days with lists when the asked day is empty', () => {
    const days = ['2024-05-07', '2024-05-06', '2024-05-05', '2024-05-04', '2024-05-03', '2024-05-02'];
    const payload = renderTrending({ date: '2024-05-08', days, total: 0, offset: 0, items: [] }, 10);
    expectWithinDiscordLimits(payload);
    expect(payload.content).toBe('No papers are listed for 2024-05-08. Days with lists: 2024-05-07, 2024-05-06, 2024-05-05, 2024-05-04, 2024-05-03.');
    expect(payload.components).toEqual([]);
    const none = renderTrending({ date: '2024-05-08', days: [], total: 0, offset: 0, items: [] }, 10);
    expect(none.content).toBe('No papers are listed for 2024-05-08.');
  });
});

describe('renderSimilar', () => {
  it('stays within limits with huge, hostile titles and TL;DRs', () => {
    const results = [1, 2, 3, 4, 5].map((r) => similarHit(r, { title: hostile(10_000), tldr: hostile(20_000) }));
    const payload = renderSimilar({ title: hostile(10_000), url: 'https://arxiv.org/abs/2401.10001' }, results);
    expectWithinDiscordLimits(payload);
    expect(unescaped(payload.embeds[0]!.description!, '@<')).toEqual([]);
    expect(payload.embeds[0]!.title!.startsWith('Papers like “')).toBe(true);
  });

  it('escapes markdown and mentions in the base paper title, as every other render does', () => {
    const title = 'k_NN *is* all you need @everyone <@123>';
    const payload = renderSimilar({ title, url: 'https://arxiv.org/abs/2401.10001' }, [similarHit(1)]);
    expect(payload.embeds[0]!.title).toBe(`Papers like “${escapeMarkdown(title)}”`);
    expect(renderPaper(paperDetail({ title })).embeds[0]!.title).toBe(escapeMarkdown(title));
  });

  it('shows the similarity of each paper and an Abstract button for each', () => {
    const payload = renderSimilar({ title: 'Base', url: 'https://arxiv.org/abs/2401.10001' }, [similarHit(1, { similarity: 0.873 }), similarHit(2)]);
    expect(payload.embeds[0]!.title).toBe('Papers like “Base”');
    expect(payload.embeds[0]!.description).toContain('87% similar');
    expect(customIds(payload)).toEqual(['abs:2401.10101', 'abs:2401.10102']);
    expect(buttons(payload).map((b) => b.label)).toEqual(['Abstract 1', 'Abstract 2']);
  });

  it('says when there is nothing similar, without an empty button row', () => {
    const payload = renderSimilar({ title: 'Alone', url: 'https://arxiv.org/abs/2401.10001' }, []);
    expectWithinDiscordLimits(payload);
    expect(payload.embeds[0]!.description).toBe('No other papers are indexed yet.');
    expect(payload.components).toEqual([]);
  });
});

describe('renderPaper and renderAbstract', () => {
  const huge = paperDetail({
    title: hostile(10_000),
    abstract: hostile(20_000),
    authors: Array.from({ length: 200 }, (_, i) => `${hostile(50)} ${i}`),
    listings: Array.from({ length: 300 }, (_, i) => ({ date: '2024-01-16', rank: i + 1 })),
    similar: [1, 2, 3].map((r) => similarHit(r, { title: hostile(5000) })),
  });

  it('renderPaper stays within limits with a 20k-character abstract', () => {
    const payload = renderPaper(huge);
    expectWithinDiscordLimits(payload);
    expectNoUnescapedMentions(payload);
    expect(payload.embeds[0]!.description!.endsWith('…')).toBe(true);
    expect(payload.embeds[0]!.footer!.text).toBe('2401.10001');
    expect(customIds(payload)).toEqual(['sim:2401.10001']);
  });

  it('renderPaper shows links, date, upvotes, listings, authors and similar papers', () => {
    const payload = renderPaper(paperDetail());
    expectWithinDiscordLimits(payload);
    const fields = Object.fromEntries(payload.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(Object.keys(fields)).toEqual(['Links', 'Date', 'Upvotes', 'On the daily list', 'Authors', 'Similar papers']);
    expect(fields['Upvotes']).toBe('▲ 17');
    expect(fields['On the daily list']).toBe('2024-01-16 (#3)');
    expect(fields['Authors']).toBe('Ada Lovelace, Alan Turing');
    expect(fields['Similar papers']!.split('\n')).toHaveLength(3);
    expect(fields['Similar papers']!.split('\n')[0]).toBe('1. [Paper number 101 on efficient attention](https://arxiv.org/abs/2401.10101)');
    expect(payload.embeds[0]!.description).toBe('We study how attention scales. We find that it scales well.');
  });

  it('renderPaper shows server votes and a vote button only in a server', () => {
    const inServer = renderPaper(paperDetail(), new Map([['2401.10001', 3]]));
    expectWithinDiscordLimits(inServer);
    expect(inServer.embeds[0]!.fields!.find((f) => f.name === 'Votes in this server')!.value).toBe('👍 3');
    expect(customIds(inServer)).toEqual(['sim:2401.10001', 'vote:2401.10001']);
    const outside = renderPaper(paperDetail());
    expect(outside.embeds[0]!.fields!.some((f) => f.name === 'Votes in this server')).toBe(false);
  });

  it('renderPaper omits fields the paper lacks', () => {
    const payload = renderPaper(paperDetail({ upvotes: undefined, date: undefined, listings: [], authors: [], similar: [] }));
    expectWithinDiscordLimits(payload);
    expect(payload.embeds[0]!.fields!.map((f) => f.name)).toEqual(['Links']);
  });

  it('renderAbstract stays within limits with a 20k-character abstract', () => {
    const payload = renderAbstract(huge);
    expectWithinDiscordLimits(payload);
    expectNoUnescapedMentions(payload);
    expect(payload.embeds[0]!.fields!.map((f) => f.name)).toEqual(['Links']);
    expect(payload.components).toEqual([]);
  });
});

describe('link and linkLine', () => {
  it('escapes ")" and whitespace in URLs so the link cannot end early', () => {
    expect(link('Wiki', 'https://en.wikipedia.org/wiki/Transformer_(machine_learning)')).toBe(
      '[Wiki](https://en.wikipedia.org/wiki/Transformer_(machine_learning%29)',
    );
    expect(link('x', 'https://e.com/a b\tc')).toBe('[x](https://e.com/a%20b%20c)');
    const rendered = link('x', 'https://e.com/a)[evil](https://bad.example)');
    expect(rendered.indexOf(')')).toBe(rendered.length - 1);
  });

  it('links every known link of a paper, in order, and nothing for missing ones', () => {
    const card = paperCard(1, { links: { primary: 'https://p', arxiv: 'https://a', github: 'https://g', scholarSearch: 'https://s' } });
    expect(linkLine(card)).toBe('[arXiv](https://a) · [GitHub](https://g) · [Google Scholar](https://s)');
  });
});

describe('renderStats', () => {
  const now = Date.parse('2024-05-02T03:04:05.000Z');

  it('shows latency as median and p95', () => {
    const payload = renderStats(engineStats(), { count: 7, medianMs: 120.4, p95Ms: 480.6 }, 90_000, now);
    expectWithinDiscordLimits(payload);
    const fields = Object.fromEntries(payload.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(fields['/ask latency']).toBe('median 120 ms · p95 481 ms (last 7)');
    expect(fields['Papers indexed']).toBe('1234');
    expect(fields['Daily lists']).toBe('12');
    expect(fields['Model']).toBe('Xenova/all-MiniLM-L6-v2 (384-d)');
    expect(fields['Index age']).toBe('27h 4m');
    expect(fields['Uptime']).toBe('1m 30s');
    expect(fields['Last reload']).toBe('not since start-up');
  });

  it('says "no questions yet" before any /ask', () => {
    const payload = renderStats(engineStats(), { count: 0 }, 1000, now);
    const latency = payload.embeds[0]!.fields!.find((f) => f.name === '/ask latency')!;
    expect(latency.value).toBe('no questions yet');
  });

  it('describes the last reload, or that one is running', () => {
    const lastReload = { ...reloadReport(), finishedAt: '2024-05-02T03:00:05.000Z' };
    const changed = renderStats(engineStats({ lastReload }), { count: 0 }, 0, now);
    expect(changed.embeds[0]!.fields!.find((f) => f.name === 'Last reload')!.value).toBe('4m 0s ago (3 added, 2 updated, 1 removed)');
    const unchanged = renderStats(engineStats({ lastReload: { ...lastReload, unchanged: true } }), { count: 0 }, 0, now);
    expect(unchanged.embeds[0]!.fields!.find((f) => f.name === 'Last reload')!.value).toBe('4m 0s ago (no changes)');
    const running = renderStats(engineStats({ lastReload, reloading: true }), { count: 0 }, 0, now);
    expect(running.embeds[0]!.fields!.find((f) => f.name === 'Last reload')!.value).toBe('running now');
  });

  it('formats durations from seconds to days', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59_400)).toBe('59s');
    expect(formatDuration(60_000)).toBe('1m 0s');
    expect(formatDuration(3_599_000)).toBe('59m 59s');
    expect(formatDuration(3_600_000)).toBe('1h 0m');
    expect(formatDuration(47 * 3_600_000 + 59 * 60_000)).toBe('47h 59m');
    expect(formatDuration(48 * 3_600_000)).toBe('2d 0h');
  });
});

describe('renderReloadSummary', () => {
  it('says the index is up to date when nothing changed', () => {
    const payload = renderReloadSummary(reloadReport({ unchanged: true, count: 64 }));
    expectWithinDiscordLimits(payload);
    expect(payload.content).toBe('✅ Index is already up to date: 64 papers, nothing to embed.');
  });

  it('gives the counts and time of a reload that changed things', () => {
    const payload = renderReloadSummary(reloadReport());
    expect(payload.content).toBe(
      '✅ Reload finished in 12.3 s: **3** added, **2** updated, **1** removed (5 embedded). The index now holds **1234** papers.',
    );
  });

  it('mentions how many source problems were skipped, only when there are some', () => {
    const problems = [
      { source: 'a.jsonl', location: 'line 3', message: 'bad' },
      { source: 'b.jsonl', location: 'line 9', message: 'worse' },
    ];
    expect(renderReloadSummary(reloadReport({ problems })).content).toContain('⚠️ 2 source problem(s) skipped');
    expect(renderReloadSummary(reloadReport({ problems, unchanged: true })).content).toContain('⚠️ 2 source problem(s) skipped');
    expect(renderReloadSummary(reloadReport()).content).not.toContain('⚠️');
  });
});

describe('buttons', () => {
  it('styles Abstract buttons as primary, Refine as success and the rest as secondary', () => {
    const payload = renderAsk({ result: askResult(5), total: 10 });
    const expected = (label: string) => (label.startsWith('Abstract') ? ButtonStyle.Primary : label.includes('Refine') ? ButtonStyle.Success : ButtonStyle.Secondary);
    for (const b of buttons(payload)) expect(b.style).toBe(expected(b.label!));
  });
});
