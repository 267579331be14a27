import { InteractionType, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeButton, decodeModal, turnsHash } from '../../src/bot/custom-ids.js';
import { ackOf, ADMIN, bool, customIdsOf, int, MEMBER, OTHER, pollFor, replyTo, startTwinBot, str, type TwinBot } from '../setup/twin.js';
import { expectNoMentionsAnywhere, expectWithinDiscordLimits } from '../setup/etiquette.js';

const EPHEMERAL = 64;
const MODAL = 9;
// A pair of tests/eval/followups.jsonl: the follow-up alone is too vague, the first question alone finds the vision paper.
const FIRST = 'interpreting what individual neurons in vision models detect';
const FOLLOW_UP = 'what about in language models?';
const LLM_NEURONS = ['2501.02688', '2406.11944'].map((id) => `https://arxiv.org/abs/${id}`);
const SCALING_MLPS = '2306.13575';

interface TwinGateway {
  broadcast(event: string, data: { id?: string; type?: number }): void;
}

describe('follow-ups, /paper question: and /ask visibility, end to end against a Discord twin', () => {
  let t: TwinBot;

  beforeAll(async () => {
    t = await startTwinBot();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const ask = (userId: string, question: string, options: { results?: number; public?: boolean } = {}) =>
    t.channel.user(userId).runSlashCommand({
      name: 'ask',
      options: [
        str('question', question),
        ...(options.results ? [int('results', options.results)] : []),
        ...(options.public !== undefined ? [bool('public', options.public)] : []),
      ],
    });

  const message = async (id: string) => (await t.channel.getMessages()).find((m) => m.id === id);
  const refineId = (m: APIMessage) => customIdsOf(m).find((id) => id.startsWith('refine:'))!;

  /**
   * Sends a modal submission from the message its button was on, with the follow-up typed in. Discord
   * answers a deferred reply to it with a new message; the twin would edit the button's message
   * instead, so the interaction is detached from that message before the bot sees it.
   */
  async function submitFollowUp(userId: string, from: APIMessage, modalId: string, value: string) {
    const gateway = (t.twin as unknown as { server: { gateway: TwinGateway } }).server.gateway;
    const broadcast = gateway.broadcast.bind(gateway);
    gateway.broadcast = (event, data) => {
      if (event !== 'INTERACTION_CREATE' || data.type !== InteractionType.ModalSubmit) return broadcast(event, data);
      gateway.broadcast = broadcast;
      void t.twin.prisma.interactionResponse.update({ where: { interactionId: data.id }, data: { messageId: null } }).then(() => broadcast(event, data));
    };
    return t.twin.simulateInteraction({
      type: InteractionType.ModalSubmit,
      channelId: t.channelId,
      userId,
      messageId: from.id,
      data: { custom_id: modalId, components: [{ type: 18, component: { type: 4, custom_id: 'followup', value } }] },
    });
  }

  /** Clicks Refine on a reply and returns the modal's custom_id, checking what was shown. */
  async function openRefine(userId: string, reply: APIMessage): Promise<string> {
    const click = await t.channel.user(userId).clickButton({ messageId: reply.id, customId: refineId(reply) });
    const { type, data } = await ackOf(t, click.id);
    expect(type).toBe(MODAL);
    const modal = data as unknown as { custom_id: string; title: string; components: { type: number; component: { custom_id: string } }[] };
    expect(modal.title).toBe('Refine this search');
    expect(modal.components[0]!.component.custom_id).toBe('followup');
    return modal.custom_id;
  }

  let refined: APIMessage;

  it('/ask answers in the channel by default, with a Refine button', async () => {
    const { id } = await ask(MEMBER, FIRST, { results: 10 });
    const ack = await ackOf(t, id);
    expect(ack.type).toBe(5);
    expect((ack.data.flags ?? 0) & EPHEMERAL).toBe(0);
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(decodeButton(refineId(reply))).toEqual({ kind: 'refine', questionHash: turnsHash([FIRST]), isPublic: true, total: 10 });
  });

  it('Refine opens a modal, and the follow-up is searched in the context of the first question, as a new reply', async () => {
    const { id } = await ask(MEMBER, FIRST, { results: 10 });
    const original = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(LLM_NEURONS).not.toContain(original.embeds[0]!.url);
    const modalId = await openRefine(OTHER, original);
    expect(decodeModal(modalId)).toMatchObject({ kind: 'followUp', isPublic: true, total: 10 });

    const submit = await submitFollowUp(OTHER, original, modalId, FOLLOW_UP);
    const ack = await ackOf(t, submit.id);
    expect(ack.type).toBe(5);
    expect((ack.data.flags ?? 0) & EPHEMERAL).toBe(0);
    refined = await replyTo(t, submit.id, (m) => m.embeds.length > 0);
    expect(refined.id).not.toBe(original.id);
    expect(refined.content.split('\n').slice(0, 2)).toEqual([`🔎 ${FIRST}`, `↳ ${FOLLOW_UP}`]);
    expect(LLM_NEURONS).toContain(refined.embeds[0]!.url);
    expect(decodeButton(refineId(refined))).toMatchObject({ questionHash: turnsHash([FIRST, FOLLOW_UP]), isPublic: true });
    expect((await message(original.id))!.embeds.map((e) => e.url)).toEqual(original.embeds.map((e) => e.url));
  });

  it('a follow-up reply pages and refines again after a restart: its state is in custom_id and the message', async () => {
    await t.restartBot();
    const next = customIdsOf(refined).find((c) => c.startsWith('ask:') && c.endsWith(':5:10'))!;
    const page = await t.channel.user(MEMBER).clickButton({ messageId: refined.id, customId: next });
    await t.channel.waitForInteractionAck({ interactionId: page.id });
    const page2 = await pollFor(async () => {
      const m = await message(refined.id);
      return m?.embeds[0]?.title?.startsWith('6. ') ? m : undefined;
    }, 'page 2 of the follow-up');
    expect(page2.content.split('\n').slice(0, 2)).toEqual([`🔎 ${FIRST}`, `↳ ${FOLLOW_UP}`]);
    expect(refineId(page2)).toBe(refineId(refined));

    const modalId = await openRefine(MEMBER, page2);
    const submit = await submitFollowUp(MEMBER, page2, modalId, 'and for images?');
    const again = await replyTo(t, submit.id, (m) => m.embeds.length > 0);
    expect(again.content.split('\n').slice(0, 3)).toEqual([`🔎 ${FIRST}`, `↳ ${FOLLOW_UP}`, '↳ and for images?']);
  });

  it('a private reply is refined privately', async () => {
    const { id } = await ask(MEMBER, FIRST, { public: false });
    expect((await ackOf(t, id)).data.flags).toBe(EPHEMERAL);
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    const modalId = await openRefine(MEMBER, reply);
    expect(decodeModal(modalId)).toMatchObject({ isPublic: false, total: 5 });
    const submit = await submitFollowUp(MEMBER, reply, modalId, FOLLOW_UP);
    expect((await ackOf(t, submit.id)).data.flags).toBe(EPHEMERAL);
  });

  it('answers an empty or stale follow-up privately', async () => {
    const { id } = await ask(MEMBER, FIRST);
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    const modalId = await openRefine(MEMBER, reply);
    const empty = await submitFollowUp(MEMBER, reply, modalId, '  ?? ');
    const emptyAck = await ackOf(t, empty.id);
    expect(emptyAck.data.flags).toBe(EPHEMERAL);
    expect(emptyAck.data.content).toContain('at least one word');
    const stale = await submitFollowUp(MEMBER, reply, modalId.replace(/^fu:[0-9a-f]{10}/, 'fu:0123456789'), FOLLOW_UP);
    const staleAck = await ackOf(t, stale.id);
    expect(staleAck.data.flags).toBe(EPHEMERAL);
    expect(staleAck.data.content).toMatch(/expired|no longer/);
  });

  it('/paper question: marks the sentence that answers, and shows the full abstract on a click', async () => {
    const { id } = await t.channel.user(MEMBER).runSlashCommand({
      name: 'paper',
      options: [str('query', SCALING_MLPS), str('question', 'how does performance change with scale?')],
    });
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(reply.content).toBe('❓ how does performance change with scale?');
    expect(reply.embeds[0]!.description).toMatch(/^\*\*We show that the performance of MLPs drastically improves with scale/);
    expect(reply.embeds[0]!.description).not.toContain('single GPU');
    const click = await t.channel.user(OTHER).clickButton({ messageId: reply.id, customId: `abs:${SCALING_MLPS}` });
    const { data: abstract } = await ackOf(t, click.id);
    expect(abstract.flags).toBe(EPHEMERAL);
    expect(abstract.embeds![0]!.description).toContain('All of our experiments were run on a single GPU');
  });

  it('/paper question: about an unknown paper is answered privately', async () => {
    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'paper', options: [str('query', 'zzzz qqqq no such paper'), str('question', 'why?')] });
    const { type, data } = await ackOf(t, id);
    expect(type).toBe(4);
    expect(data.flags).toBe(EPHEMERAL);
  });

  it('/settings: refused to a member, privately; an admin makes /ask private by default, and users can still choose', async () => {
    const refused = await t.channel.user(MEMBER).runSlashCommand({ name: 'settings', options: [str('ask_visibility', 'private')] });
    const refusal = await ackOf(t, refused.id);
    expect(refusal.data.flags).toBe(EPHEMERAL);
    expect(refusal.data.content).toContain('Only server admins');
    expect(t.bot.context.settings.get(t.twin.guildId).askVisibility).toBe('public');

    const set = await t.channel.user(ADMIN).runSlashCommand({ name: 'settings', options: [str('ask_visibility', 'private')] });
    const saved = await ackOf(t, set.id);
    expect(saved.data.flags).toBe(EPHEMERAL);
    expect(saved.data.embeds![0]!.fields![0]!.value).toContain('**private**');
    try {
      expect((await ackOf(t, (await ask(MEMBER, FIRST)).id)).data.flags).toBe(EPHEMERAL);
      expect(((await ackOf(t, (await ask(MEMBER, FIRST, { public: true })).id)).data.flags ?? 0) & EPHEMERAL).toBe(0);
      expect((await ackOf(t, (await ask(MEMBER, FIRST, { public: false })).id)).data.flags).toBe(EPHEMERAL);
      await t.restartBot();
      expect((await ackOf(t, (await ask(MEMBER, FIRST)).id)).data.flags).toBe(EPHEMERAL);
    } finally {
      await ackOf(t, (await t.channel.user(ADMIN).runSlashCommand({ name: 'settings', options: [str('ask_visibility', 'public')] })).id);
    }
    expect(((await ackOf(t, (await ask(MEMBER, FIRST)).id)).data.flags ?? 0) & EPHEMERAL).toBe(0);
  });

  it('keeps errors private even where answers are public', async () => {
    const { id } = await ask(MEMBER, '?!');
    const { type, data } = await ackOf(t, id);
    expect(type).toBe(4);
    expect(data.flags).toBe(EPHEMERAL);
  });

  it('sends allowed_mentions with no parse on every message it writes', () => {
    expectNoMentionsAnywhere(t, 15);
  });

  it('stays within Discord limits in every message', async () => {
    expectWithinDiscordLimits(await t.channel.getMessages());
  });
});
