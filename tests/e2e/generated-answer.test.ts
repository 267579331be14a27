import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../setup/answer-llm-server.js';
import { capturingLogger, seededDataDir, testConfig } from '../setup/engine.js';
import { MEMBER, pollFor, replyTo, startTwinBot, str, type TwinBot } from '../setup/twin.js';

const QUESTION = 'how do MLPs scale on vision tasks?';
const SCALING_MLPS = '2306.13575';

describe('/ask with ANSWER_LLM_URL, against a Discord twin and a local fake model', () => {
  let t: TwinBot;
  let server: LlmServer;
  const { log, lines } = capturingLogger();

  beforeAll(async () => {
    server = await startLlmServer();
    t = await startTwinBot({ engineConfig: testConfig(seededDataDir(), { ANSWER_LLM_URL: server.url, ANSWER_LLM_MODEL: 'fake-model' }), log });
  });
  afterAll(async () => {
    await t?.stop();
    await server?.close();
  });

  const ask = () => t.channel.user(MEMBER).runSlashCommand({ name: 'ask', options: [str('question', QUESTION)] });
  const current = async (id: string) => (await t.channel.getMessages()).find((m) => m.id === id);
  const editsOf = async (interactionId: string) => {
    const token = (await t.channel.getInteractionResponse(interactionId))!.interactionToken;
    return t.requests.filter((r) => r.method === 'PATCH' && r.url.includes(token));
  };

  it('replies with the extractive answer first, then edits in the generated one when it arrives', async () => {
    let release!: () => void;
    server.reply({ content: 'Plain MLPs improve drastically with scale [1].', held: new Promise<void>((resolve) => (release = resolve)) });
    const { id } = await ask();
    const first = await replyTo(t, id, (m) => m.embeds.length > 0);
    // The model has been asked, and has not answered yet: the reply shows the extractive answer.
    await pollFor(async () => (server.requests.length ? true : undefined), 'the request to the model');
    expect(first.content.split('\n')[1]).toMatch(/^💡 .+\\\[\[1\]\(<https:\/\/arxiv\.org\/abs\/2306\.13575>\)\\\]/);
    expect(first.content).not.toContain('🤖');

    release();
    const edited = await pollFor(async () => {
      const m = await current(first.id);
      return m?.content.includes('🤖') ? m : undefined;
    }, 'the generated answer');
    expect(edited.content.split('\n')[1]).toBe(`🤖 Plain MLPs improve drastically with scale \\[[1](<https://arxiv.org/abs/${SCALING_MLPS}>)\\].`);
    expect(edited.content).not.toContain('💡');
    // The rest of the reply is as it was: the same papers and buttons.
    expect(edited.embeds.map((e) => e.url)).toEqual(first.embeds.map((e) => e.url));
    expect(edited.components).toEqual(first.components);
    const edits = await editsOf(id);
    expect(edits).toHaveLength(2);
    for (const edit of edits) expect(edit.json?.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps the extractive answer when the generated one cites nothing, and logs why', async () => {
    server.reply({ content: 'Plain MLPs improve drastically with scale.' });
    const { id } = await ask();
    const first = await replyTo(t, id, (m) => m.embeds.length > 0);
    await pollFor(async () => (lines().some((l) => l.reason === 'the reply cites no source') ? true : undefined), 'the dropped answer in the log');
    const after = (await current(first.id)) as APIMessage;
    expect(after.content).toBe(first.content);
    expect(after.content).toContain('💡');
    expect(await editsOf(id)).toHaveLength(1);
  });
});
