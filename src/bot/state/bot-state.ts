import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { JsonStore } from './json-store.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const subscriptionSchema = z.object({
  channelId: z.string(),
  /** HH:MM in `timezone`. */
  time: z.string().regex(/^\d{2}:\d{2}$/),
  timezone: z.string(),
  limit: z.number().int().min(1).max(20),
  subscribedBy: z.string(),
  createdAt: z.string(),
  /** Local day (in `timezone`) of the last post, or the day of subscribing when its time had passed. */
  lastPostedOn: isoDate.optional(),
  /** The list day last posted, so the same list is not posted twice. */
  lastPostedList: isoDate.optional(),
  lastError: z.string().optional(),
});

export type Subscription = z.infer<typeof subscriptionSchema>;

const stateSchema = z.object({
  version: z.literal(1),
  subscriptions: z.record(z.string(), subscriptionSchema),
  refresh: z.object({ lastRunOn: isoDate.optional() }),
});

export type BotState = z.infer<typeof stateSchema>;

/** Per-server subscriptions and the daily refresh's progress, in `data/bot/state.json`. */
export function openBotState(dataDir: string, log: Logger): JsonStore<BotState> {
  return JsonStore.open(dataDir, join('bot', 'state.json'), stateSchema, () => ({ version: 1 as const, subscriptions: {}, refresh: {} }), log);
}
