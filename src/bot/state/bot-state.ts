import type { Logger } from '../../log.js';
import { StateDatabase } from './database.js';
import { SettingsStore } from './settings.js';
import { SubscriptionStore } from './subscriptions.js';
import { VoteStore } from './votes.js';
import { WatchStore } from './watches.js';

export type { Subscription } from './subscriptions.js';

/** The daily refresh's progress: the local day it last ran. */
export class RefreshStore {
  constructor(private readonly db: StateDatabase) {}

  get lastRunOn(): string | undefined {
    const row = this.db.sql.prepare('SELECT last_run_on FROM refresh WHERE id = 1').get() as { last_run_on: string | null } | undefined;
    return row?.last_run_on ?? undefined;
  }

  ranOn(day: string): void {
    this.db.change(() => this.db.sql.prepare('INSERT OR REPLACE INTO refresh (id, last_run_on) VALUES (1, ?)').run(day));
  }
}

/** Everything the bot keeps between runs, in one SQLite database: `data/bot/state.db`. */
export class BotState {
  readonly subscriptions: SubscriptionStore;
  readonly refresh: RefreshStore;
  readonly votes: VoteStore;
  readonly watches: WatchStore;
  readonly settings: SettingsStore;

  private constructor(readonly db: StateDatabase) {
    this.subscriptions = new SubscriptionStore(db);
    this.refresh = new RefreshStore(db);
    this.votes = new VoteStore(db);
    this.watches = new WatchStore(db);
    this.settings = new SettingsStore(db);
  }

  static open(dataDir: string, log: Logger): BotState {
    return new BotState(StateDatabase.open(dataDir, log));
  }

  close(): void {
    this.db.close();
  }
}
