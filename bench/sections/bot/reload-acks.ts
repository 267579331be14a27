/** Acks during a /reload of a large corpus, with the twin in its own process sending on a fixed schedule. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN, MEMBER } from '../../harness/twin.js';
import { prng } from '../../harness/random.js';
import { corpus, extraSourcePath, seedVectors } from '../../lib/corpora.js';
import { syntheticPaper } from '../../lib/synthetic.js';
import type { Edit, Sample } from '../../lib/twin-clock.js';
import type { BenchContext } from '../../lib/types.js';
import { botStateCleaner } from './bot-state.js';
import { outOfProcess, type Driver } from './drivers.js';
import { indexBackup } from '../../lib/index-backup.js';
import { loopStats } from './measures.js';
import { keepingLogger } from './problems.js';

export const EXTRA_PAPERS = 200;
export const RELOAD_ASK_INTERVAL_MS = 250;
export const RELOAD_USERS = 5;

export interface ReloadRun {
  size: number;
  asks: Sample[];
  reload: Sample;
  /** From the /reload command to the bot's "Reload finished" edit. */
  wallMs?: number;
  /** While the engine reported isReloading, as polled here. */
  reloadingMs: number;
  /** The engine's own build time (buildIndex tookMs). */
  engineMs?: number;
  added?: number;
  embeddedTexts?: number;
  /** Reload phases as the engine reported them, ms after the /reload command was sent. */
  phases: { phase: string; atMs: number }[];
  /** Event-loop stalls of the bot's process over 250 ms, ms after the /reload command was sent. */
  stalls: { atMs: number; ms: number }[];
  loop: { maxMs: number; p99Ms: number };
  open: number;
  /** When waiting for acks and answers ended: the lower bound for the ones that never came. */
  gaveUpAt: number;
  /** When the /reload command was sent, by this process's clock (phases and stalls count from it). */
  reloadSentAt: number;
  problems: string[];
  restoreMs: number;
  restoredExactly: boolean;
  restoreNote?: string;
}

/** New synthetic papers (text only, so the reload must embed them), with ids and titles unique to this run. */
async function extraPapers(ctx: BenchContext, count: number): Promise<string> {
  const seed = await seedVectors(ctx);
  const vocabulary = [...new Set(seed.flatMap((p) => p.abstract.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w)))];
  const stamp = Date.now();
  const random = prng(stamp);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const { paper } = syntheticPaper(i, seed, vocabulary, random);
    lines.push(JSON.stringify({ ...paper, id: `botbench-${stamp}-${i}`, title: `${paper.title} [bot bench ${stamp}]` }));
  }
  return `${lines.join('\n')}\n`;
}

export async function reloadAcks(ctx: BenchContext, reloadSize: number, questions: readonly string[]): Promise<ReloadRun> {
  const big = await corpus(ctx, reloadSize);
  const extraPath = extraSourcePath(big, 'bot');
  const cleanBotState = botStateCleaner(big.config.dataDir);
  const backup = indexBackup(big.config.dataDir);
  const { log, problems } = keepingLogger();
  let d: Driver | undefined;
  let wroteExtra = false;
  let restored = false;
  let run: ReloadRun | undefined;
  try {
    ctx.log(`  bot: starting a twin process, and the bot and engine on ${reloadSize} papers`);
    d = await outOfProcess(ctx, big.config, RELOAD_USERS - 2, log);
    const driver = d;
    const engine = d.engine;

    // Reload phases, as the engine reports them to the bot's progress editor (first reload only).
    let reloadSentAt = 0;
    let recording = true;
    const phases: { phase: string; atMs: number }[] = [];
    const reloadOf = engine.reload.bind(engine);
    engine.reload = (options = {}) => {
      if (recording) phases.push({ phase: 'reload() called', atMs: Date.now() - reloadSentAt });
      return reloadOf({
        ...options,
        onProgress: (p) => {
          if (recording && phases.at(-1)?.phase !== p.phase) phases.push({ phase: p.phase, atMs: Date.now() - reloadSentAt });
          options.onProgress?.(p);
        },
      });
    };

    let next = 0;
    const question = () => questions[next++ % questions.length]!;
    for (let i = 0; i < 3; i++) await driver.settle([await driver.send(MEMBER, 'ask', question())], true, 60_000);

    writeFileSync(extraPath, await extraPapers(ctx, EXTRA_PAPERS));
    wroteExtra = true;
    ctx.log(`  bot: /reload with ${EXTRA_PAPERS} new papers, /ask every ${RELOAD_ASK_INTERVAL_MS} ms from ${driver.users.length} users meanwhile`);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const stalls: { at: number; ms: number }[] = [];
    let tick = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      if (now - tick > 250) stalls.push({ at: tick, ms: now - tick });
      tick = now;
    }, 10);
    loop.enable();
    let reloadingMs = 0;
    let asks: Sample[] = [];
    let reload: Sample;
    let open = 0;
    let gaveUpAt = 0;
    try {
      // The asks start with the /reload command: the reload's first, synchronous part (reading the
      // sources) runs before the engine reports isReloading, and must be covered too.
      await driver.stream!(driver.users, [...questions.slice(next), ...questions.slice(0, next)], RELOAD_ASK_INTERVAL_MS);
      reloadSentAt = Date.now();
      reload = await driver.send(ADMIN, 'reload');
      const waitStart = Date.now();
      while (!engine.isReloading) {
        if (Date.now() - waitStart > 60_000) throw new Error('the reload did not start within 60 s');
        await sleep(5);
      }
      const reloadingFrom = Date.now();
      while (engine.isReloading) await sleep(20);
      reloadingMs = Date.now() - reloadingFrom;
      recording = false;
      asks = await driver.stopStream!();
      const settled = await driver.settle(asks, true, 120_000);
      gaveUpAt = Date.now();
      asks = settled.samples;
      open = settled.open;
      reload = (await driver.settle([reload], false, 10_000)).samples[0]!;
    } finally {
      clearInterval(ticker);
      loop.disable();
    }

    let finished: Edit | undefined;
    for (const deadline = Date.now() + 60_000; !finished && Date.now() < deadline; await sleep(50)) {
      finished = (await driver.editsOf(reload.token)).find((e) => e.content?.includes('Reload finished'));
    }
    const last = engine.stats().lastReload as { tookMs?: number; added?: number; embeddedTexts?: number } | undefined;
    run = {
      size: reloadSize,
      asks,
      reload,
      wallMs: finished ? finished.at - reload.sentAt : undefined,
      reloadingMs,
      engineMs: last?.tookMs,
      added: last?.added,
      embeddedTexts: last?.embeddedTexts,
      phases,
      stalls: stalls.map((s) => ({ atMs: s.at - reloadSentAt, ms: s.ms })),
      loop: loopStats(loop),
      open,
      gaveUpAt,
      reloadSentAt,
      problems: problems(),
      restoreMs: 0,
      restoredExactly: false,
    };

    // Put the corpus back: without the extra file, by a reload.
    rmSync(extraPath, { force: true });
    const restoreStart = performance.now();
    await engine.reload();
    run.restoreMs = performance.now() - restoreStart;
    restored = true;
    return run;
  } finally {
    if (existsSync(extraPath)) rmSync(extraPath, { force: true });
    if (d && wroteExtra && !restored) {
      // Failed part-way: wait for a reload in flight, then reload without the extra file.
      await d.stopStream?.().catch(() => undefined);
      while (d.engine.isReloading) await sleep(50);
      await d.engine.reload().catch((error: unknown) => ctx.log(`  bot: the restoring reload failed: ${(error as Error).message}`));
    }
    await d?.stop();
    cleanBotState();
    // That reload leaves the removed papers as deleted labels in the graph; the original generation is
    // put back so that the other benchmarks see exactly the index they saw before.
    let restoreNote: string | undefined;
    try {
      restoreNote = backup.restore();
    } catch (error) {
      restoreNote = `could not put back the original index generation: ${(error as Error).message}`;
    }
    backup.discard();
    if (run) {
      run.restoredExactly = restoreNote === undefined;
      run.restoreNote = restoreNote;
    }
  }
}
