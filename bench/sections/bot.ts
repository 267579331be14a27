/**
 * The bot path end to end: the real bot and engine logged in to a local Discord twin
 * (discord-digital-twin), driven with slash commands the way Discord would send them. Times are
 * taken at the twin: a timestamp right before the simulated command is sent, and the arrival of the
 * bot's interaction callback (the deferred ack) and of its first edit of the original response.
 *
 * Two set-ups: the test harness (bench/harness/twin.ts: twin, bot and engine in this one process), and
 * the twin in a child process (bench/probes/twin.ts); see bot/drivers.ts. The scenarios are
 * bot/ask-latency.ts and bot/reload-acks.ts; this file turns their samples into the report.
 */
import { join } from 'node:path';
import { readQuestions } from '../../src/eval/metrics.js';
import { percentile } from '../../src/util/percentile.js';
import type { Sample } from '../lib/twin-clock.js';
import type { BenchContext, Figure, Section, Table } from '../lib/types.js';
import { askLatency, CONCURRENT_USERS, type LatencyRun } from './bot/ask-latency.js';
import { ackFromDispatchMs, ackMs, editMs, round, twinMs } from './bot/measures.js';
import { summarize } from './bot/problems.js';
import { EXTRA_PAPERS, RELOAD_ASK_INTERVAL_MS, RELOAD_USERS, reloadAcks } from './bot/reload-acks.js';

const ACK_DEADLINE_MS = 3000;

function latencyRows(label: string, samples: readonly Sample[]): (string | number)[][] {
  const ack = samples.map(ackMs);
  const edit = samples.map(editMs);
  const fromDispatch = samples.map(ackFromDispatchMs);
  const twin = samples.map(twinMs).filter(Number.isFinite);
  const p = (values: number[], q: number) => round(percentile(values, q));
  return [
    [label, 'ack (deferred reply)', p(ack, 50), p(ack, 95), p(ack, 99), round(Math.max(...ack)), samples.length],
    [label, 'final edit (answer)', p(edit, 50), p(edit, 95), p(edit, 99), round(Math.max(...edit)), samples.length],
    [label, 'ack, from gateway dispatch', p(fromDispatch, 50), p(fromDispatch, 95), p(fromDispatch, 99), round(Math.max(...fromDispatch)), samples.length],
    [label, 'twin: command to dispatch', p(twin, 50), p(twin, 95), p(twin, 99), round(Math.max(...twin)), twin.length],
  ];
}

function latencyNotes(label: string, run: LatencyRun): string[] {
  const all = [...run.sequential, ...run.concurrent];
  const noEmbeds = all.filter((s) => s.editAt !== undefined && !s.editHasEmbeds).length;
  const notDeferred = all.filter((s) => s.ackType !== undefined && s.ackType !== 5).length;
  const notes = [`Event loop of the bot's process during the /ask runs (${label}): max delay ${run.loop.maxMs} ms, p99 ${run.loop.p99Ms} ms.`];
  if (run.incomplete || noEmbeds || notDeferred) {
    notes.push(
      `/ask anomalies (${label}): ${run.incomplete} interactions without an ack or answer in time, ${noEmbeds} answers without embeds, ${notDeferred} acks that were not a deferral.`,
    );
  }
  if (run.problems.length) notes.push(`Bot log during the /ask runs (${label}): ${summarize(run.problems)}.`);
  return notes;
}

export async function benchBotPath(ctx: BenchContext, reloadSize: number): Promise<Section> {
  const questions = readQuestions(join(ctx.root, 'tests/eval/questions.jsonl')).map((q) => q.question);
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const notes: string[] = [];

  // 1. The harness (as the e2e tests run it), then the same with the twin in its own process.
  const latency = await askLatency(ctx, questions, false);
  const apart = await askLatency(ctx, questions, true);
  const c = latency.concurrent;
  const pct = (samples: readonly Sample[], of: (s: Sample) => number, q: number) => round(percentile(samples.map(of), q));
  figures.push(
    {
      name: `/ask ack p99, ${CONCURRENT_USERS} concurrent users`,
      unit: 'ms',
      median: pct(c, ackMs, 99),
      runs: c.length,
      target: { op: '<=', value: ACK_DEADLINE_MS },
      note: `slash command sent → deferred-reply callback at the twin; ${pct(apart.concurrent, ackMs, 99)} ms with the twin in its own process`,
    },
    {
      name: '/ask ack p99, 1 user',
      unit: 'ms',
      median: pct(latency.sequential, ackMs, 99),
      runs: latency.sequential.length,
      target: { op: '<=', value: ACK_DEADLINE_MS },
    },
    {
      name: '/ask final edit p50, 1 user',
      unit: 'ms',
      median: pct(latency.sequential, editMs, 50),
      p25: pct(latency.sequential, editMs, 25),
      p75: pct(latency.sequential, editMs, 75),
      runs: latency.sequential.length,
      note: `${pct(apart.sequential, editMs, 50)} ms with the twin in its own process`,
    },
    {
      name: `/ask final edit p50, ${CONCURRENT_USERS} concurrent users`,
      unit: 'ms',
      median: pct(c, editMs, 50),
      p25: pct(c, editMs, 25),
      p75: pct(c, editMs, 75),
      runs: c.length,
      note: `${pct(apart.concurrent, editMs, 50)} ms with the twin in its own process`,
    },
  );
  tables.push({
    title: '/ask on the seed index (64 papers), milliseconds from the slash command',
    columns: ['users', 'to', 'p50', 'p95', 'p99', 'max', 'interactions'],
    rows: [
      ...latencyRows('1', latency.sequential),
      ...latencyRows(`${CONCURRENT_USERS} concurrent`, c),
      ...latencyRows('1, twin in its own process', apart.sequential),
      ...latencyRows(`${CONCURRENT_USERS} concurrent, twin in its own process`, apart.concurrent),
    ],
  });
  notes.push(
    `/ask: ${latency.sequential.length} sequential asks from one user, then ${ctx.quick ? 2 : 5} waves of ${CONCURRENT_USERS} simultaneous asks from ${CONCURRENT_USERS} separate guild members ` +
      `(created in the twin for this); the ${questions.length} evaluation questions in turn, after 3 unmeasured warm-up asks. ` +
      "Times are taken at the twin: a timestamp right before the simulated command, and the arrival of the bot's callback (ack) and of its first PATCH of @original (the answer). " +
      "The figures come from the test harness (bench/harness/twin.ts), where twin, bot and engine share one Node process: the twin's own work (its SQLite look-ups before it dispatches, " +
      'shown as "twin: command to dispatch", and its handling of every callback and edit) competes with the bot for the same event loop. ' +
      'The rows "twin in its own process" repeat the runs with the twin in a child process (the bot and engine unchanged), closer to real Discord.',
    ...latencyNotes('harness', latency),
    ...latencyNotes('twin in its own process', apart),
  );

  // 2. A /reload of the large corpus.
  const reload = await reloadAcks(ctx, reloadSize, questions);
  // Interactions that never got a callback count with the time waited for them (a lower bound).
  const ackOrBound = (s: Sample) => (s.ackAt ?? reload.gaveUpAt) - s.sentAt;
  const editOrBound = (s: Sample) => (s.editAt ?? reload.gaveUpAt) - s.sentAt;
  // In time means a deferral within 3 s: an error reply sent because the deferral failed does not count.
  const inTime = (s: Sample) => s.ackType === 5 && ackOrBound(s) <= ACK_DEADLINE_MS;
  const acks = reload.asks.map(ackOrBound);
  const within = reload.asks.filter(inTime).length;
  const share = reload.asks.length ? (100 * within) / reload.asks.length : NaN;
  const missing = reload.asks.filter((s) => s.ackAt === undefined).length;
  const errorReplies = reload.asks.filter((s) => s.ackType !== undefined && s.ackType !== 5).length;
  const sizeLabel = reloadSize >= 1000 ? `${reloadSize / 1000}k` : String(reloadSize);
  const lowerBound = missing ? ` (${missing} never acked count with the ${round((reload.gaveUpAt - Math.max(...reload.asks.map((s) => s.sentAt))) / 1000)}+ s waited: a lower bound)` : '';
  figures.push(
    {
      name: `interactions acked within 3 s during a /reload at ${sizeLabel}`,
      unit: '%',
      median: round(share),
      runs: reload.asks.length,
      target: { op: '>=', value: 100 },
      note: `${within} of ${reload.asks.length} deferred within 3 s` + (missing || errorReplies ? `; ${missing} never acked, ${errorReplies} got an error reply instead` : ''),
    },
    { name: `/ask ack p50 during a /reload at ${sizeLabel}`, unit: 'ms', median: round(percentile(acks, 50)), runs: acks.length },
    {
      name: `/ask ack p99 during a /reload at ${sizeLabel}`,
      unit: 'ms',
      median: round(percentile(acks, 99)),
      runs: acks.length,
      target: { op: '<=', value: ACK_DEADLINE_MS },
      ...(lowerBound ? { note: lowerBound.trim() } : {}),
    },
    { name: `/reload duration at ${sizeLabel} (+${EXTRA_PAPERS} papers)`, unit: 's', median: round((reload.wallMs ?? reload.reloadingMs) / 1000), runs: 1 },
    { name: `bot event-loop delay max during a /reload at ${sizeLabel}`, unit: 'ms', median: reload.loop.maxMs, runs: 1 },
  );
  // Which part of the reload the late acks fall in: each ask by the phase it was sent in.
  const marks = reload.phases.filter((ph) => ph.phase !== 'reload() called');
  const phaseOf = (s: Sample) => {
    const at = s.sentAt - reload.reloadSentAt;
    return [...marks].reverse().find((ph) => ph.atMs <= at)?.phase ?? 'reading sources';
  };
  const byPhase = new Map<string, Sample[]>();
  for (const s of reload.asks) byPhase.set(phaseOf(s), [...(byPhase.get(phaseOf(s)) ?? []), s]);
  const finals = reload.asks.map(editOrBound);
  const p = (values: number[], q: number) => round(percentile(values, q));
  tables.push({
    title: `/ask during a /reload of ${reloadSize} + ${EXTRA_PAPERS} papers (ms from the slash command)`,
    columns: ['measure', 'value'],
    rows: [
      ['interactions sent during the reload', reload.asks.length],
      ['deferred within 3 s', `${within} (${round(share)}%)`],
      ['never acked / error reply instead of a deferral', `${missing} / ${errorReplies}`],
      ['ack p50 / p95 / p99 / max', `${[50, 95, 99].map((q) => p(acks, q)).join(' / ')} / ${round(Math.max(...acks))}${missing ? ' (lower bounds)' : ''}`],
      ['ack from gateway dispatch p50 / p99', [50, 99].map((q) => p(reload.asks.filter((s) => s.ackAt !== undefined).map(ackFromDispatchMs), q)).join(' / ')],
      ['answer (final edit) p50 / p99', [50, 99].map((q) => p(finals, q)).join(' / ')],
      ...[...byPhase].map(([phase, samples]): (string | number)[] => [
        `sent while ${phase}: deferred within 3 s, ack p50 / max`,
        `${samples.filter(inTime).length} of ${samples.length}, ${p(samples.map(ackOrBound), 50)} / ${round(Math.max(...samples.map(ackOrBound)))}`,
      ]),
      ['/reload ack', round(ackMs(reload.reload))],
      ['/reload, command to "Reload finished" edit', reload.wallMs === undefined ? 'not seen' : round(reload.wallMs)],
      ['engine reported isReloading for', round(reload.reloadingMs)],
      ['engine build time (tookMs)', reload.engineMs === undefined ? '?' : round(reload.engineMs)],
      ['papers added / texts embedded', `${reload.added ?? '?'} / ${reload.embeddedTexts ?? '?'}`],
      ['bot process: event-loop delay max / p99 during the reload', `${reload.loop.maxMs} / ${reload.loop.p99Ms}`],
      [
        'bot process: stalls over 250 ms (start, s after /reload, +ms)',
        reload.stalls.length ? reload.stalls.map((st) => `${round(st.atMs / 1000)} s +${st.ms}`).join(', ') : 'none',
      ],
      ['reload phases (s after /reload)', reload.phases.map((ph) => `${ph.phase} ${round(ph.atMs / 1000)}`).join(', ')],
      ['restoring reload (extra file removed)', round(reload.restoreMs)],
    ],
  });
  notes.push(
    `/reload: an admin runs /reload on the ${reloadSize}-paper synthetic corpus after ${EXTRA_PAPERS} new synthetic papers (new text, so the model embeds them) were added to its sources; ` +
      `from the /reload command until the engine no longer reports isReloading, one /ask every ${RELOAD_ASK_INTERVAL_MS} ms on a fixed schedule, from ${RELOAD_USERS} users in turn. ` +
      "The twin runs in a child process with its own clock, so interactions keep arriving during a stall of the bot's event loop (as they would from Discord) and wait in its socket; " +
      'the bot, engine and model run in this process, as in production. (With the twin in the same process, no ask can be sent while the loop is stalled, and the share would be overstated.) ' +
      'Only a deferral (callback type 5) within 3 s counts as in time; the twin accepts late callbacks, where Discord would answer 10062 Unknown interaction.',
    reload.restoredExactly
      ? 'Afterwards the extra file was removed and the engine reloaded; then the original index generation and cache segments were put back, so the corpus is exactly as before.'
      : `Afterwards the extra file was removed and the engine reloaded. ${reload.restoreNote ?? ''}`,
  );
  if (reload.problems.length) notes.push(`Bot log during the /reload run: ${summarize(reload.problems)}.`);
  const failedAnswers = reload.asks.filter((s) => s.ackType === 5 && s.editAt !== undefined && !s.editHasEmbeds).length;
  if (failedAnswers) notes.push(`${failedAnswers} asks during the reload were deferred but then answered with an error message instead of results.`);
  if (missing || errorReplies) {
    notes.push(
      `${missing} asks during the reload never got a callback and ${errorReplies} got the "Something went wrong" reply instead of a deferral: ` +
        'their deferral failed with "other side closed" (undici: the server had closed the pooled connection, most likely by the twin\'s 5 s HTTP keep-alive timeout while the bot was stalled).',
    );
  }

  return { id: 'bot', title: 'Bot path, end to end against a local Discord twin', figures, tables, notes };
}
