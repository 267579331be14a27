import type { EngineStats, ReloadReport } from '../../engine/engine.js';
import { COLORS, message, type MessagePayload } from './payload.js';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export interface LatencySummary {
  count: number;
  medianMs?: number;
  p95Ms?: number;
}

export function renderStats(stats: EngineStats, latency: LatencySummary, uptimeMs: number, now: number): MessagePayload {
  const age = formatDuration(now - Date.parse(stats.indexBuiltAt));
  const reload = stats.lastReload
    ? `${formatDuration(now - Date.parse(stats.lastReload.finishedAt))} ago (${stats.lastReload.unchanged ? 'no changes' : `${stats.lastReload.added} added, ${stats.lastReload.updated} updated, ${stats.lastReload.removed} removed`})`
    : 'not since start-up';
  const latencyText = latency.count
    ? `median ${latency.medianMs!.toFixed(0)} ms · p95 ${latency.p95Ms!.toFixed(0)} ms (last ${latency.count})`
    : 'no questions yet';
  return message({
    embeds: [
      {
        title: 'paperscout stats',
        color: COLORS.brand,
        fields: [
          { name: 'Papers indexed', value: String(stats.papers), inline: true },
          { name: 'Daily lists', value: String(stats.days), inline: true },
          { name: 'Model', value: `${stats.model} (${stats.dimension}-d)`, inline: false },
          { name: 'Index age', value: age, inline: true },
          { name: 'Last reload', value: stats.reloading ? 'running now' : reload, inline: true },
          { name: 'Uptime', value: formatDuration(uptimeMs), inline: true },
          { name: '/ask latency', value: latencyText, inline: false },
        ],
      },
    ],
  });
}

export function renderReloadSummary(report: ReloadReport): MessagePayload {
  const problems = report.problemCount ? `\n⚠️ ${report.problemCount.toLocaleString("en-US")} source problem(s) skipped; see the bot's log.` : '';
  const text = report.unchanged
    ? `✅ Index is already up to date: ${report.count} papers, nothing to embed.`
    : `✅ Reload finished in ${(report.tookMs / 1000).toFixed(1)} s: **${report.added}** added, **${report.updated}** updated, ` +
      `**${report.removed}** removed (${report.embedded} embedded). The index now holds **${report.count}** papers.`;
  return message({ content: text + problems });
}

export const HELP_TEXT = [
  '**paperscout** answers questions about research papers from a local index.',
  '',
  '`/ask question:` the papers that answer a question, each with the sentences that answer it (the best one **bold**). `results:` 1–10 (pages of 5), `has_code:` only papers with a repository. Answers are posted in the channel unless the server chose private; `public:false` (or `public:true`) decides for one question.',
  '`/trending` a day\'s list of papers, ranked; `date:` YYYY-MM-DD, `limit:` per page; `scope:server` ranks this server\'s 👍 votes (`days:` window).',
  '`/paper query:` one paper in full (start typing a title), with its code and the models, datasets and Spaces citing it; add `question:` to see the sentences of it that answer a question.',
  '`/recommend` recent papers like the ones you upvoted here; `days:` window, `results:`.',
  '`/similar paper:` the papers most like one.',
  '`/stats` index size, model, freshness and answer speed.',
  '`/reload` (Manage Server) re-reads the sources and embeds only what changed.',
  '`/subscribe channel:` (Manage Server) posts the day\'s list there once a day; `/unsubscribe` stops it.',
  '`/settings ask_visibility:` (Manage Server) whether `/ask` answers are public (default) or private by default.',
  '',
  'Under each answer: **Refine** asks a follow-up searched together with the question, **Abstract** shows the full abstract to you alone, **Similar** finds related papers, 👍 votes for a paper in this server, ◀ ▶ page.',
].join('\n');

export function renderHelp(): MessagePayload {
  return message({ embeds: [{ title: 'How to use paperscout', color: COLORS.brand, description: HELP_TEXT }] });
}
