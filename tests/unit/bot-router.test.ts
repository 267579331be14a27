/**
 * The router's policy and error handling, with fake interactions: no Discord, no model. Each fake
 * records what the bot sent through it, and the context holds only what the paths under test touch.
 */
import { MessageFlags, PermissionFlagsBits, PermissionsBitField, SlashCommandBuilder, type Interaction } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { BUTTONS } from '../../src/bot/buttons/index.js';
import { COMMANDS } from '../../src/bot/commands/index.js';
import { reload } from '../../src/bot/commands/reload.js';
import { defineButton, defineCommand, type BotContext, type ButtonHandlers, type Policy, type SlashCommand } from '../../src/bot/context.js';
import { encodeButton, questionHash } from '../../src/bot/custom-ids.js';
import { SlidingWindowLimiter } from '../../src/bot/rate-limit.js';
import { createRouter } from '../../src/bot/router.js';
import { UserError } from '../../src/errors.js';
import { capturingLogger } from '../setup/engine.js';

const GUILD = '100000000000000001';
const MEMBER_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | PermissionFlagsBits.ManageGuild;
const INCIDENT = /incident `([0-9a-f]{8})`/i;
/** An internal error's message: what a user must never see. */
const INTERNAL = 'ENOENT: no such file or directory, open /srv/paperscout/data/index/secret.bin';

interface Sent {
  call: 'reply' | 'editReply' | 'followUp' | 'deferReply' | 'deferUpdate' | 'deleteReply';
  content?: string;
  ephemeral: boolean;
}

interface Where {
  user?: string;
  /** null: a direct message. */
  guildId?: string | null;
  permissions?: bigint;
}

/** A repliable interaction that keeps discord.js's deferred/replied state and records every send. */
function fake(kind: 'command' | 'button', id: string, where: Where = {}) {
  const guildId = where.guildId === undefined ? GUILD : where.guildId;
  const sent: Sent[] = [];
  const record = (call: Sent['call'], body?: { content?: string; flags?: number }) =>
    void sent.push({ call, content: body?.content, ephemeral: Boolean((body?.flags ?? 0) & MessageFlags.Ephemeral) });
  const state = { deferred: false, replied: false, ephemeral: false };
  const interaction = {
    ...(kind === 'command' ? { commandName: id } : { customId: id, message: { content: '' } }),
    user: { id: where.user ?? '200000000000000001' },
    guildId,
    memberPermissions: guildId ? new PermissionsBitField(where.permissions ?? MEMBER_PERMISSIONS) : null,
    get deferred() {
      return state.deferred;
    },
    get replied() {
      return state.replied;
    },
    get ephemeral() {
      return state.ephemeral;
    },
    isChatInputCommand: () => kind === 'command',
    isAutocomplete: () => false,
    isButton: () => kind === 'button',
    isMessageComponent: () => kind === 'button',
    isRepliable: () => true,
    inGuild: () => guildId !== null,
    async reply(body: { content?: string; flags?: number }) {
      record('reply', body);
      state.replied = true;
      state.ephemeral = Boolean((body.flags ?? 0) & MessageFlags.Ephemeral);
    },
    async deferReply(body: { flags?: number } = {}) {
      record('deferReply', body);
      state.deferred = true;
      state.ephemeral = Boolean((body.flags ?? 0) & MessageFlags.Ephemeral);
    },
    async deferUpdate() {
      record('deferUpdate');
      state.deferred = true;
    },
    async editReply(body: { content?: string }) {
      // An edit keeps the visibility the reply was deferred with.
      sent.push({ call: 'editReply', content: body.content, ephemeral: state.ephemeral });
    },
    async followUp(body: { content?: string; flags?: number }) {
      record('followUp', body);
    },
    async deleteReply() {
      record('deleteReply');
    },
  };
  return { interaction: interaction as unknown as Interaction, sent };
}

/** A clock the test moves by hand. */
function fakeClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function context(overrides: Partial<BotContext> = {}) {
  const capture = capturingLogger('debug');
  const clock = fakeClock();
  const ctx = {
    log: capture.log,
    askLimiter: new SlidingWindowLimiter(1, 60_000, clock.now),
    now: clock.now,
    ...overrides,
  } as BotContext;
  return { ctx, clock, lines: capture.lines };
}

/** A command that records each run, with the given policy and behaviour. */
function command(name: string, policy?: Policy, run: () => Promise<void> = async () => undefined) {
  const runs: string[] = [];
  const definition: SlashCommand = defineCommand({
    data: new SlashCommandBuilder().setName(name).setDescription('test'),
    ...(policy ? { policy } : {}),
    async execute(interaction) {
      runs.push(interaction.user.id);
      await run();
    },
  });
  return { definition, runs };
}

/** Button handlers that record each run; `trending` gets the given policy and behaviour. */
function buttons(policy?: Policy, run: () => Promise<void> = async () => undefined) {
  const runs: string[] = [];
  const record = defineButton({
    async handle(interaction) {
      runs.push(interaction.customId);
    },
  });
  const handlers = {
    ask: record,
    abstract: record,
    similar: record,
    vote: record,
    trending: defineButton({
      ...(policy ? { policy } : {}),
      async handle(interaction) {
        runs.push(interaction.customId);
        await run();
      },
    }),
  } as ButtonHandlers;
  return { handlers, runs };
}

const TRENDING_BUTTON = encodeButton({ kind: 'trending', date: '2025-03-12', offset: 10, limit: 10 });
const NEXT_PAGE = encodeButton({ kind: 'ask', questionHash: questionHash('how do MLPs scale?'), offset: 5, total: 10 });

describe('the router enforces each declared policy', () => {
  it('rate-limits a command per user, privately, until the window has passed', async () => {
    const { ctx, clock } = context();
    const limited = command('limited', { rateLimit: 'askLimiter' });
    const route = createRouter(ctx, [limited.definition], buttons().handlers);
    await route(fake('command', 'limited', { user: 'alice' }).interaction);
    const second = fake('command', 'limited', { user: 'alice' });
    await route(second.interaction);
    expect(second.sent).toEqual([{ call: 'reply', content: "You're asking quickly. Try again in 60s.", ephemeral: true }]);
    await route(fake('command', 'limited', { user: 'bob' }).interaction);
    expect(limited.runs).toEqual(['alice', 'bob']);
    clock.advance(60_000);
    await route(fake('command', 'limited', { user: 'alice' }).interaction);
    expect(limited.runs).toEqual(['alice', 'bob', 'alice']);
  });

  it('rate-limits a button the same way', async () => {
    const { ctx } = context();
    const { handlers, runs } = buttons({ rateLimit: 'askLimiter' });
    const route = createRouter(ctx, [], handlers);
    await route(fake('button', TRENDING_BUTTON).interaction);
    const second = fake('button', TRENDING_BUTTON);
    await route(second.interaction);
    expect(second.sent).toEqual([{ call: 'reply', content: "You're asking quickly. Try again in 60s.", ephemeral: true }]);
    expect(runs).toEqual([TRENDING_BUTTON]);
  });

  it('counts /ask and its Prev/Next buttons against one limit', async () => {
    const { ctx } = context();
    ctx.askLimiter.take('alice'); // alice's one /ask of the window
    const route = createRouter(ctx, COMMANDS, BUTTONS);
    const next = fake('button', NEXT_PAGE, { user: 'alice' });
    await route(next.interaction);
    expect(next.sent).toEqual([{ call: 'reply', content: "You're asking quickly. Try again in 60s.", ephemeral: true }]);
    const ask = fake('command', 'ask', { user: 'alice' });
    await route(ask.interaction);
    expect(ask.sent).toEqual([{ call: 'reply', content: "You're asking quickly. Try again in 60s.", ephemeral: true }]);
  });

  it('refuses an admin-only command to a member, in a DM too, and runs it for an admin and an Administrator', async () => {
    const { ctx } = context();
    const admin = command('admin', { adminOnly: 'Only admins may.', rateLimit: 'askLimiter' });
    const route = createRouter(ctx, [admin.definition], buttons().handlers);
    for (const where of [{ permissions: MEMBER_PERMISSIONS }, { guildId: null }]) {
      const refused = fake('command', 'admin', where);
      await route(refused.interaction);
      expect(refused.sent).toEqual([{ call: 'reply', content: 'Only admins may.', ephemeral: true }]);
    }
    expect(admin.runs).toEqual([]);
    // A refusal takes no rate-limit slot.
    expect(ctx.askLimiter.trackedKeys).toBe(0);
    await route(fake('command', 'admin', { user: 'admin', permissions: ADMIN_PERMISSIONS }).interaction);
    await route(fake('command', 'admin', { user: 'root', permissions: PermissionFlagsBits.Administrator }).interaction);
    expect(admin.runs).toEqual(['admin', 'root']);
  });

  it('refuses an admin-only button to a member', async () => {
    const { ctx } = context();
    const { handlers, runs } = buttons({ adminOnly: 'Only admins may press this.' });
    const route = createRouter(ctx, [], handlers);
    const refused = fake('button', TRENDING_BUTTON);
    await route(refused.interaction);
    expect(refused.sent).toEqual([{ call: 'reply', content: 'Only admins may press this.', ephemeral: true }]);
    expect(runs).toEqual([]);
    await route(fake('button', TRENDING_BUTTON, { permissions: ADMIN_PERMISSIONS }).interaction);
    expect(runs).toEqual([TRENDING_BUTTON]);
  });

  it('refuses the real admin commands to a member before they touch the engine or the state', async () => {
    const engine = { reload: vi.fn(), isReloading: false };
    const subscriptions = { put: vi.fn(), remove: vi.fn(), get: vi.fn() };
    const state = { subscriptions };
    const { ctx } = context({ engine: engine as unknown as BotContext['engine'], state: state as unknown as BotContext['state'] });
    const route = createRouter(ctx, COMMANDS, BUTTONS);
    const expected: Record<string, string> = {
      reload: 'Only server admins (with Manage Server) can reload the index.',
      subscribe: 'Only server admins (with Manage Server) can set up the daily post.',
      unsubscribe: 'Only server admins (with Manage Server) can change the daily post.',
      digest: 'Only server admins (with Manage Server) can post the digest.',
    };
    for (const [name, refusal] of Object.entries(expected)) {
      const { interaction, sent } = fake('command', name);
      await route(interaction);
      expect(sent, name).toEqual([{ call: 'reply', content: refusal, ephemeral: true }]);
    }
    expect(engine.reload).not.toHaveBeenCalled();
    expect(subscriptions.put).not.toHaveBeenCalled();
    expect(subscriptions.remove).not.toHaveBeenCalled();
  });

  it('refuses a guild-only command and button in a DM, and runs them in a server', async () => {
    const { ctx } = context();
    const local = command('local', { guildOnly: 'Use it in a server.' });
    const { handlers, runs } = buttons({ guildOnly: 'Press it in a server.' });
    const route = createRouter(ctx, [local.definition], handlers);
    const dm = fake('command', 'local', { guildId: null });
    await route(dm.interaction);
    expect(dm.sent).toEqual([{ call: 'reply', content: 'Use it in a server.', ephemeral: true }]);
    const dmClick = fake('button', TRENDING_BUTTON, { guildId: null });
    await route(dmClick.interaction);
    expect(dmClick.sent).toEqual([{ call: 'reply', content: 'Press it in a server.', ephemeral: true }]);
    expect([local.runs, runs]).toEqual([[], []]);
    await route(fake('command', 'local').interaction);
    await route(fake('button', TRENDING_BUTTON).interaction);
    expect([local.runs.length, runs.length]).toEqual([1, 1]);
  });

  it('refuses a vote from a DM (the real vote button is guild-only)', async () => {
    const { ctx } = context();
    const { interaction, sent } = fake('button', encodeButton({ kind: 'vote', paperId: '2306.13575' }), { guildId: null });
    await createRouter(ctx, COMMANDS, BUTTONS)(interaction);
    expect(sent).toEqual([{ call: 'reply', content: 'Votes count per server; vote inside a server.', ephemeral: true }]);
  });

  it('registers every admin-only command with Manage Server as the default and for servers only', () => {
    const adminOnly = COMMANDS.filter((c) => c.policy?.adminOnly !== undefined);
    expect(adminOnly.map((c) => c.data.name).sort()).toEqual(['digest', 'reload', 'settings', 'subscribe', 'unsubscribe']);
    for (const c of adminOnly) {
      const json = c.data.toJSON() as { default_member_permissions?: string | null; contexts?: number[] };
      expect(json.default_member_permissions, c.data.name).toBe(String(PermissionFlagsBits.ManageGuild));
      expect(json.contexts, c.data.name).toEqual([0]);
    }
  });
});

describe('the router tells users about errors without leaking internals', () => {
  it('shows a UserError as it is, privately, and logs no incident', async () => {
    const { ctx, lines } = context();
    const failing = command('failing', undefined, async () => {
      throw new UserError('"2025-02-30" is not a date.');
    });
    const { interaction, sent } = fake('command', 'failing');
    await createRouter(ctx, [failing.definition], buttons().handlers)(interaction);
    expect(sent).toEqual([{ call: 'reply', content: '"2025-02-30" is not a date.', ephemeral: true }]);
    expect(lines().filter((l) => l.msg === 'interaction failed')).toEqual([]);
  });

  it('answers an internal error with an incident id only, privately, and logs the error under that id', async () => {
    const { ctx, lines } = context();
    const failing = command('failing', undefined, async () => {
      throw new Error(INTERNAL);
    });
    const { interaction, sent } = fake('command', 'failing');
    await createRouter(ctx, [failing.definition], buttons().handlers)(interaction);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ call: 'reply', ephemeral: true });
    expect(sent[0]!.content).not.toContain('ENOENT');
    expect(sent[0]!.content).not.toContain('/srv/');
    const incident = sent[0]!.content?.match(INCIDENT)?.[1];
    expect(incident).toBeDefined();
    const logged = lines().find((l) => l.msg === 'interaction failed');
    expect(logged).toMatchObject({ level: 50, incident, name: 'failing' });
    expect(JSON.stringify(logged)).toContain('ENOENT');
  });

  it('does the same for a button, after the handler has already deferred', async () => {
    const { ctx, lines } = context();
    const click = fake('button', TRENDING_BUTTON);
    const { handlers } = buttons(undefined, async () => {
      await (click.interaction as unknown as { deferUpdate(): Promise<void> }).deferUpdate();
      throw new TypeError(`Cannot read properties of undefined (reading 'x') at ${INTERNAL}`);
    });
    await createRouter(ctx, [], handlers)(click.interaction);
    const error = click.sent.at(-1)!;
    expect(error).toMatchObject({ call: 'followUp', ephemeral: true });
    expect(error.content).not.toMatch(/TypeError|ENOENT|Cannot read/);
    expect(error.content?.match(INCIDENT)?.[1]).toBe(lines().find((l) => l.msg === 'interaction failed')?.incident);
  });

  it('logs, and does not throw, when even the error reply cannot be sent', async () => {
    const { ctx, lines } = context();
    const failing = command('failing', undefined, async () => {
      throw new Error(INTERNAL);
    });
    const { interaction } = fake('command', 'failing');
    (interaction as unknown as { reply: () => Promise<void> }).reply = () => Promise.reject(new Error('Discord is down'));
    await expect(createRouter(ctx, [failing.definition], buttons().handlers)(interaction)).resolves.toBeUndefined();
    expect(lines().some((l) => l.msg === 'could not send an error reply')).toBe(true);
  });
});

describe('/reload reports a failure without leaking internals', () => {
  async function failedReload(error: Error) {
    const engine = { isReloading: false, reload: vi.fn(() => Promise.reject(error)) };
    // The reload goes through the watch service, which matches new papers once the engine has reloaded.
    const watches = { reload: () => engine.reload() };
    const { ctx, lines } = context({ engine: engine as unknown as BotContext['engine'], watches: watches as unknown as BotContext['watches'] });
    const { interaction, sent } = fake('command', 'reload', { permissions: ADMIN_PERMISSIONS });
    await createRouter(ctx, [reload], BUTTONS)(interaction);
    expect(engine.reload).toHaveBeenCalledOnce();
    const last = sent.at(-1)!;
    expect(last).toMatchObject({ call: 'editReply', ephemeral: true });
    const incident = last.content?.match(/Incident `([0-9a-f]{8})`/)?.[1];
    expect(incident, last.content).toBeDefined();
    expect(lines().find((l) => l.msg === 'reload failed')).toMatchObject({ level: 50, incident });
    return last.content!;
  }

  it('shows a UserError message', async () => {
    const content = await failedReload(new UserError('No papers found in data/sources.'));
    expect(content).toMatch(/^❌ Reload failed: No papers found in data\/sources\.\nThe previous index is still serving\. Incident `[0-9a-f]{8}`\.$/);
  });

  it('shows only that something went wrong for any other error', async () => {
    const content = await failedReload(new Error(INTERNAL));
    expect(content).toMatch(/^❌ Reload failed: something went wrong on our side\nThe previous index is still serving\. Incident `[0-9a-f]{8}`\.$/);
    expect(content).not.toContain('ENOENT');
  });
});
