import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followWithGeneratedAnswer, timeLeftToEdit } from '../../src/bot/generated-reply.js';
import { renderAsk, type AskPage } from '../../src/bot/render/ask.js';
import type { MessagePayload } from '../../src/bot/render/payload.js';
import type { Engine } from '../../src/engine/engine.js';
import type { AskResult } from '../../src/engine/results.js';
import { startLlmServer, type LlmServer } from '../setup/answer-llm-server.js';
import { quietLogger } from '../setup/engine.js';
import { arxivId, askResult, expectWithinDiscordLimits, unescaped } from './bot-fixtures.js';

const cited = (text: string, ranks: number[]) => ({ text, citations: ranks.map((rank) => ({ rank, id: arxivId(rank) })) });
const link = (rank: number) => `\\[[${rank}](<https://arxiv.org/abs/${arxivId(rank)}>)\\]`;

function answered(overrides: Partial<AskResult> = {}): AskResult {
  return askResult(3, { answer: { sentences: [{ text: 'Extractive sentence of paper 1.', rank: 1, id: arxivId(1) }] }, ...overrides });
}

describe('renderAsk with a generated answer', () => {
  it('shows it in place of the extractive answer, escaped, each citation linked, with a note that a model wrote it', () => {
    const payload = renderAsk({ result: answered(), total: 3, generated: cited('MLPs *scale* @everyone [1]. Data helps [3, 1].', [1, 3]) });
    expectWithinDiscordLimits(payload);
    const lines = payload.content.split('\n');
    expect(lines[1]).toBe(`🤖 MLPs \\*scale\\* \\@everyone ${link(1)}. Data helps ${link(3)}${link(1)}.`);
    expect(lines[2]).toMatch(/^-# Written by a language model from the sentences it cites/);
    expect(payload.content).not.toContain('Extractive sentence');
    expect(unescaped(lines[1]!.replaceAll('](<https://', ']('), '@<')).toEqual([]);
  });

  it('keeps the extractive answer when the generated one cites a paper not on the page or does not fit', () => {
    const extractive = renderAsk({ result: answered(), total: 3 }).content;
    expect(renderAsk({ result: answered(), total: 3, generated: cited('Scales [4].', [4]) }).content).toBe(extractive);
    expect(renderAsk({ result: answered(), total: 3, generated: { text: 'Scales [2].', citations: [{ rank: 2, id: 'other' }] } }).content).toBe(extractive);
    const long = answered({ query: 'q'.repeat(1600) });
    const payload = renderAsk({ result: long, total: 3, generated: cited(`${'MLPs scale well. '.repeat(30)}[1].`, [1]) });
    expect(payload.content).toContain('💡 Extractive sentence');
    expectWithinDiscordLimits(payload);
  });
});

describe('timeLeftToEdit', () => {
  it('is the 15 minutes of the token, less a margin for the edit, and never below 0', () => {
    expect(timeLeftToEdit(0, 0)).toBe(15 * 60_000 - 10_000);
    expect(timeLeftToEdit(0, 14 * 60_000)).toBe(50_000);
    expect(timeLeftToEdit(0, 15 * 60_000)).toBe(0);
  });
});

describe('followWithGeneratedAnswer', () => {
  let server: LlmServer;
  beforeAll(async () => {
    server = await startLlmServer();
  });
  afterAll(() => server.close());

  /** An interaction whose reply is `shown`, recording every edit. */
  function interaction(page: AskPage, createdTimestamp = Date.now()) {
    const edits: MessagePayload[] = [];
    let shown = renderAsk(page).content;
    return {
      edits,
      showOtherPage: () => void (shown = 'another page'),
      reply: {
        createdTimestamp,
        fetchReply: async () => ({ content: shown }),
        editReply: async (payload: MessagePayload) => void edits.push(payload),
      } as unknown as Parameters<typeof followWithGeneratedAnswer>[0],
    };
  }
  const ctx = (timeoutMs = 5000) => ({
    engine: { config: { answerLlm: { url: server.url, model: 'fake', timeoutMs } } } as unknown as Engine,
    log: quietLogger(),
  });

  it('edits the generated answer into the reply once it arrives', async () => {
    const page = { result: answered(), total: 3 };
    const t = interaction(page);
    server.reply({ content: 'MLPs improve with scale [1].' });
    await followWithGeneratedAnswer(t.reply, ctx(), page);
    expect(t.edits).toHaveLength(1);
    expect(t.edits[0]!.content.split('\n')[1]).toBe(`🤖 MLPs improve with scale ${link(1)}.`);
    expect(t.edits[0]!.allowedMentions).toEqual({ parse: [] });
    expect(t.edits[0]!.components).toEqual(renderAsk(page).components);
  });

  it('leaves the reply alone when the answer is dropped, or a button showed another page meanwhile', async () => {
    const page = { result: answered(), total: 3 };
    const dropped = interaction(page);
    server.reply({ content: 'MLPs improve with scale.' });
    await followWithGeneratedAnswer(dropped.reply, ctx(), page);
    expect(dropped.edits).toEqual([]);

    const paged = interaction(page);
    paged.showOtherPage();
    server.reply({ content: 'MLPs improve with scale [1].' });
    await followWithGeneratedAnswer(paged.reply, ctx(), page);
    expect(paged.edits).toEqual([]);
  });

  it('asks nothing once the token has expired', async () => {
    const page = { result: answered(), total: 3 };
    const before = server.requests.length;
    const t = interaction(page, Date.now() - 15 * 60_000);
    await followWithGeneratedAnswer(t.reply, ctx(), page);
    expect(t.edits).toEqual([]);
    expect(server.requests).toHaveLength(before);
  });
});
