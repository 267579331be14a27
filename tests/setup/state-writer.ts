/**
 * A child process for the kill -9 test: opens the bot state and makes changes in a loop until killed,
 * writing `n` to stdout once change n has returned (is committed). Each change touches several rows
 * (a vote, a watch and its matches, a subscription mark), so a torn change would show.
 */
import { BotState } from '../../src/bot/state/bot-state.js';
import { createLogger } from '../../src/log.js';

const [dataDir, firstArg] = process.argv.slice(2);
const state = BotState.open(dataDir!, createLogger({ level: 'silent' }));
for (let n = Number(firstArg); ; n++) {
  state.db.change(() => {
    const watch = state.watches.add({ guildId: 'g', userId: `u${n}`, topic: `topic ${n}`, createdAt: new Date(0).toISOString() });
    state.watches.record(
      [1, 2, 3].map((k) => ({ watchId: watch.id, paperId: `p${n}-${k}`, strength: k / 10, excerpt: [{ text: `sentence ${n}`, matched: true }] })),
      new Date(0).toISOString(),
      () => false,
    );
    state.db.sql.prepare('INSERT INTO votes (guild_id, paper_id, user_id, at) VALUES (?, ?, ?, ?)').run('g', `p${n}`, `u${n}`, new Date(0).toISOString());
    state.subscriptions.put('g', { channelId: 'c', time: '08:00', timezone: 'UTC', limit: 10, subscribedBy: 'admin', createdAt: String(n), skipEmpty: false });
  });
  process.stdout.write(`${n}\n`);
}
