/**
 * The Discord twin in its own process, for the bot benchmark (bench/sections/bot/drivers.ts):
 *   twin.ts <extra users>
 * Here the twin keeps its own clock and keeps sending while the bot's event loop is busy, as Discord
 * does. Sends its TwinReady first, then answers the parent's TwinRequests over IPC.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { addUsers, MEMBER, OTHER, startTwin } from '../harness/twin.js';
import { commandSender, TwinClock, type Sample, type TwinReady, type TwinRequest } from '../lib/twin-clock.js';

const extraUsers = Number(process.argv[2] ?? '0');
const t = await startTwin();
let stopped = false;
const stop = async () => {
  if (stopped) return;
  stopped = true;
  await t.stop().catch(() => undefined);
};
process.on('disconnect', () => void stop().then(() => process.exit(0)));

const clock = new TwinClock(t);
const users = [MEMBER, OTHER, ...(await addUsers(t, extraUsers))];
const send = commandSender(t.twin, t.channelId);

let stream: { stop: boolean; sent: Promise<Sample>[]; done: Promise<void> } | undefined;
const answer = async (request: TwinRequest): Promise<unknown> => {
  switch (request.kind) {
    case 'send':
      return send(request.userId, request.name, request.question);
    case 'stream': {
      // On a fixed schedule: one ask every intervalMs, whatever the bot is doing.
      const s: NonNullable<typeof stream> = { stop: false, sent: [], done: Promise.resolve() };
      s.done = (async () => {
        const started = Date.now();
        for (let k = 0; !s.stop; k++) {
          s.sent.push(send(request.users[k % request.users.length]!, 'ask', request.questions[k % request.questions.length]));
          await sleep(Math.max(0, started + (k + 1) * request.intervalMs - Date.now()));
        }
      })();
      stream = s;
      return null;
    }
    case 'stopStream': {
      if (!stream) return [];
      stream.stop = true;
      await stream.done;
      const sent = await Promise.all(stream.sent);
      stream = undefined;
      return sent;
    }
    case 'collect': {
      const open = request.samples.filter((sample) => !clock.update(sample, request.edit)).length;
      return { samples: request.samples, open, edits: request.editsOf ? clock.editsOf(request.editsOf) : [] };
    }
    case 'exit':
      await stop();
      return null;
  }
};
process.on('message', (message: { seq: number; request: TwinRequest }) => {
  answer(message.request).then(
    (result) => process.send!({ seq: message.seq, result }),
    (error: unknown) => process.send!({ seq: message.seq, error: String((error as Error)?.stack ?? error) }),
  );
});
process.send!({ seq: 0, result: { restUrl: t.twin.restUrl, botToken: t.twin.botToken, guildId: t.twin.guildId, users } satisfies TwinReady });
