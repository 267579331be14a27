import type { Client } from 'discord.js';
import type { Engine, ReloadReport } from '../../engine/engine.js';
import type { BuildProgress } from '../../format/progress.js';
import { isTopicMatch } from '../../engine/topic-match.js';
import type { Logger } from '../../log.js';
import { renderWatchDm } from '../render/digest.js';
import type { BotState } from '../state/bot-state.js';
import type { Watch, WatchMatch } from '../state/watches.js';

export interface WatchServiceDeps {
  client: Client;
  engine: Engine;
  state: BotState;
  log: Logger;
  now: () => number;
}

/**
 * Topic watches at work: papers are matched as they are indexed (the daily refresh, /reload), and
 * the matches kept, so a digest or a question never pays for them; members' matches go out by DM.
 */
export class WatchService {
  /** Matching and sending take turns, so two runs never send the same pending DM. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: WatchServiceDeps) {}

  /** Reloads the index, then matches every watch against the papers it has not been matched against. */
  async reload(options: { onProgress?: (progress: BuildProgress) => void } = {}): Promise<ReloadReport> {
    const { engine, state } = this.deps;
    // Without a record yet, the papers indexed before this reload count as seen: only what it adds is new.
    if (!state.watches.hasWatchedPapers()) state.watches.markWatched(engine.titles().map((t) => t.id));
    const report = await engine.reload(options);
    await this.catchUp();
    return report;
  }

  /**
   * Matches every watch against the indexed papers it has not seen, and sends what is pending. Run at
   * start, it finds the papers a `paperscout fetch` or `ingest` indexed while the bot was down. On a
   * database that has never matched (a new bot, or one just upgraded), the index as it is counts as
   * seen: a member hears of papers that arrive after they asked.
   */
  catchUp(): Promise<void> {
    const run = this.turn.then(async () => {
      const { engine, state, log } = this.deps;
      const indexed = engine.titles().map((t) => t.id);
      if (!state.watches.hasWatchedPapers()) return state.watches.markWatched(indexed);
      const fresh = state.watches.unwatched(indexed);
      try {
        await this.match(state.watches.all(), fresh, true);
        state.watches.markWatched(fresh);
        await this.deliver();
      } catch (error) {
        // The index is updated either way; a failed match is logged and tried again on the next run.
        log.error({ err: error, papers: fresh.length }, 'matching the new papers against topic watches failed');
      }
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /**
   * Matches a watch just added against the latest day's papers, so /digest shows them at once.
   * Those are not sent by DM: a member hears of papers that arrive after they asked.
   */
  async matchNew(watch: Watch): Promise<number> {
    return this.match([watch], this.deps.engine.listing().ids, false);
  }

  /** Scores the watches against the papers and keeps the matches; returns how many were new. */
  private async match(watches: readonly Watch[], paperIds: readonly string[], deliver: boolean): Promise<number> {
    if (!watches.length || !paperIds.length) return 0;
    const scored = await this.deps.engine.scoreTopics(
      watches.map((w) => w.topic),
      paperIds,
    );
    const matches = scored.flatMap((papers, i) =>
      papers.filter((p) => isTopicMatch(p.strength)).map((p) => ({ watchId: watches[i]!.id, paperId: p.paperId, strength: p.strength, excerpt: p.excerpt })),
    );
    const byId = new Map(watches.map((w) => [w.id, w]));
    const added = this.deps.state.watches.record(matches, new Date(this.deps.now()).toISOString(), (id) => !deliver || byId.get(id)?.channelId !== undefined);
    if (added) this.deps.log.info({ watches: watches.length, papers: paperIds.length, matches: added }, 'matched papers against topic watches');
    return added;
  }

  /** Sends each member's pending matches in one DM per watch; marked sent first, so a crash never sends twice. */
  async deliver(): Promise<void> {
    const { state, engine, client, log } = this.deps;
    const pending = new Map<number, WatchMatch[]>();
    for (const m of state.watches.undelivered()) pending.set(m.watchId, [...(pending.get(m.watchId) ?? []), m]);
    for (const [watchId, matches] of pending) {
      const watch = state.watches.get(watchId);
      const paperIds = matches.map((m) => m.paperId);
      state.watches.markDelivered(watchId, paperIds);
      if (!watch) continue;
      const cards = new Map(engine.cards(paperIds).map((c) => [c.id, c]));
      const items = matches.flatMap((m) => {
        const card = cards.get(m.paperId);
        return card ? [{ card, topic: watch.topic, excerpt: m.excerpt }] : [];
      });
      if (!items.length) continue;
      try {
        const user = await client.users.fetch(watch.userId);
        await user.send(renderWatchDm(watch.topic, items));
      } catch (error) {
        // Closed DMs or a user who left: nothing to retry, the member can see them with /digest or /watch list.
        log.warn({ err: error, watchId, userId: watch.userId }, 'could not send a topic watch by DM');
      }
    }
  }
}
