/** /ask latency on the seed index: one user in turn, then waves of concurrent users. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MEMBER } from '../../harness/twin.js';
import { seedCorpus } from '../../lib/corpora.js';
import type { Sample } from '../../lib/twin-clock.js';
import type { BenchContext } from '../../lib/types.js';
import { botStateCleaner } from './bot-state.js';
import { inProcess, outOfProcess, type Driver } from './drivers.js';
import { loopStats } from './measures.js';
import { keepingLogger } from './problems.js';

export const CONCURRENT_USERS = 20;

export interface LatencyRun {
  sequential: Sample[];
  concurrent: Sample[];
  loop: { maxMs: number; p99Ms: number };
  incomplete: number;
  problems: string[];
}

export async function askLatency(ctx: BenchContext, questions: readonly string[], twinInChild: boolean): Promise<LatencyRun> {
  const seed = await seedCorpus(ctx);
  const cleanBotState = botStateCleaner(seed.config.dataDir);
  const { log, problems } = keepingLogger();
  let d: Driver | undefined;
  try {
    d = twinInChild ? await outOfProcess(ctx, seed.config, CONCURRENT_USERS, log) : await inProcess(seed.config, CONCURRENT_USERS, log);
    const driver = d;
    let next = 0;
    const question = () => questions[next++ % questions.length]!;

    // Warm-up, unmeasured: the first asks load lazy parts of the model and of discord.js.
    for (let i = 0; i < 3; i++) await driver.settle([await driver.send(MEMBER, 'ask', question())], true, 60_000);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const where = twinInChild ? 'twin in a child process' : 'twin in this process';
    const sequentialCount = ctx.quick ? 10 : 40;
    ctx.log(`  bot (${where}): ${sequentialCount} sequential /ask from one user`);
    const sequential: Sample[] = [];
    let incomplete = 0;
    for (let i = 0; i < sequentialCount; i++) {
      const got = await driver.settle([await driver.send(MEMBER, 'ask', question())], true, 60_000);
      incomplete += got.open;
      sequential.push(...got.samples);
    }

    const waves = ctx.quick ? 2 : 5;
    const concurrentUsers = driver.users.slice(2, 2 + CONCURRENT_USERS); // the members created for this
    ctx.log(`  bot (${where}): ${waves} waves of ${concurrentUsers.length} concurrent /ask`);
    const concurrent: Sample[] = [];
    for (let w = 0; w < waves; w++) {
      const wave = await Promise.all(concurrentUsers.map((user) => driver.send(user, 'ask', question())));
      const got = await driver.settle(wave, true, 120_000);
      incomplete += got.open;
      concurrent.push(...got.samples);
      await sleep(200);
    }
    loop.disable();
    return { sequential, concurrent, loop: loopStats(loop), incomplete, problems: problems() };
  } finally {
    await d?.stop();
    cleanBotState();
  }
}

