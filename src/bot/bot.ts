import { once } from 'node:events';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { BotConfig, FeedConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { BotLoginError } from '../errors.js';
import type { Logger } from '../log.js';
import { BUTTONS, MODALS } from './buttons/index.js';
import { COMMANDS } from './commands/index.js';
import type { BotContext } from './context.js';
import { DailyService } from './daily/daily-service.js';
import { WatchService } from './daily/watch-service.js';
import { BotState } from './state/bot-state.js';
import { ResourceFinder } from '../engine/resources.js';
import { digestTaste } from './taste.js';
import { LatencyWindow } from './latency.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { NO_MENTIONS } from './render/payload.js';
import { createRouter } from './router.js';

export interface RunningBot {
  client: Client<true>;
  context: BotContext;
  daily: DailyService;
  /**
   * Turns away new interactions, cancels the reload in flight, lets the daily routine and the replies
   * in flight finish, disconnects and saves the state. `onStep` hears each step as it begins.
   */
  stop(onStep?: (step: string) => void): Promise<void>;
}

export interface StartOptions {
  /** Opened with `buildInThread: true`, so that reloads never hold up interactions. */
  engine: Engine;
  config: BotConfig;
  feed: FeedConfig;
  /** Where the bot keeps its state (subscriptions, votes, watches): `<dataDir>/bot/state.db`. */
  dataDir: string;
  log: Logger;
  now?: () => number;
  /** Check the daily routine on this interval; 0 leaves it to explicit `daily.tick()` calls (tests). */
  dailyIntervalMs?: number;
}

/** The discord.js client: Guilds intent only (interactions need no privileged intent), and no pings by default. */
export function createClient(config: Pick<BotConfig, 'apiBase'>): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    rest: config.apiBase ? { api: config.apiBase } : {},
  });
}

function describeLoginFailure(error: unknown, config: BotConfig): string {
  const code = (error as { code?: string }).code;
  const where = config.apiBase ? ` at ${config.apiBase}` : '';
  if (code === 'TokenInvalid' || /invalid token|authentication failed|401/i.test(String((error as Error).message))) {
    return `Discord${where} rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal (Bot → Reset Token) into .env.`;
  }
  return `Could not connect to Discord${where}: ${(error as Error).message}.`;
}

/** Logs in and answers interactions until stopped. The engine is opened (and owned) by the caller. */
export async function startBot(options: StartOptions): Promise<RunningBot> {
  const { engine, config, log, feed, dataDir } = options;
  const now = options.now ?? Date.now;
  const client = createClient(config);
  const state = BotState.open(dataDir, log);
  const context: BotContext = {
    engine,
    log,
    askLimiter: new SlidingWindowLimiter(config.askRateLimit.count, config.askRateLimit.windowSeconds * 1000),
    askLatency: new LatencyWindow(),
    startedAt: now(),
    state,
    votes: state.votes,
    settings: state.settings,
    taste: digestTaste({ engine, votes: state.votes }),
    watches: new WatchService({ client, engine, state, log, now }),
    resources: new ResourceFinder(feed.hub, dataDir, log, now),
    feed,
    now,
  };
  const route = createRouter(context, COMMANDS, BUTTONS, MODALS);
  let accepting = true;
  const inFlight = new Set<Promise<void>>();
  client.on(Events.InteractionCreate, (interaction) => {
    // Once stopping, an interaction is left unanswered: Discord tells the user the app did not respond.
    if (!accepting) return void log.debug({ id: interaction.id }, 'interaction turned away: stopping');
    const handled = route(interaction).finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ code: event.code, shard }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shard) => log.info({ shard }, 'gateway resumed'));
  const ready = once(client, Events.ClientReady);
  try {
    await client.login(config.token);
    await ready;
  } catch (error) {
    await client.destroy();
    state.close();
    throw new BotLoginError(`${describeLoginFailure(error, config)}\nTo try paperscout without Discord, use the CLI: npx paperscout ask "how do MLPs scale on vision tasks?"`);
  }
  const readyClient = client as Client<true>;
  log.info({ user: readyClient.user.tag, guilds: readyClient.guilds.cache.size, papers: engine.papers }, 'bot ready');
  const caughtUp = context.watches.catchUp().catch((error: unknown) => log.error({ err: error }, 'catching up on papers indexed while the bot was down failed'));
  const daily = new DailyService({ client, engine, state, watches: context.watches, taste: context.taste, feed, dataDir, log, now });
  const interval = options.dailyIntervalMs ?? 60_000;
  if (interval > 0) daily.start(interval);
  return {
    client: readyClient,
    context,
    daily,
    async stop(onStep = () => undefined) {
      accepting = false;
      // The daily routine is told first, so that it starts no reload once the one in flight is cancelled.
      const dailyStopped = daily.stop();
      onStep('cancelling the reload');
      await engine.cancelReload();
      onStep('the daily routine');
      await dailyStopped;
      onStep('replies in flight');
      await Promise.allSettled([...inFlight, caughtUp]);
      onStep('disconnecting from Discord');
      await client.destroy();
      onStep('saving the bot state');
      // Every change is already on disk (one transaction each); closing checkpoints the WAL.
      state.close();
    },
  };
}
