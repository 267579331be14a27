import { styleText } from 'node:util';
import type { ReloadReport } from '../../engine/engine.js';
import { rewriteCitations, type GeneratedAnswer } from '../../engine/generated-answer.js';
import type { FoundResources } from '../../engine/resources.js';
import type { BackfillReport } from '../../feed/backfill.js';
import { HUB_KINDS, HUB_LIST_LIMIT, hubRepoUrl } from '../../feed/hub-client.js';
import type { AskResult, PaperAnswer, PaperDetail, SimilarHit, TrendingResult } from '../../engine/results.js';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  /** Text that opens url when clicked, where the terminal can; plain text elsewhere. */
  link(text: string, url: string): string;
}

// OSC 8, the terminal hyperlink; terminals without it show just the text.
const hyperlink = (text: string, url: string) => `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\`;

export const plainStyle: Style = { bold: (t) => `«${t}»`, dim: (t) => t, link: (t) => t };
export const ansiStyle: Style = { bold: (t) => styleText('bold', t), dim: (t) => styleText('dim', t), link: hyperlink };

function wrap(text: string, width = 96, indent = '   '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

export function formatAsk(result: AskResult, style: Style): string {
  const out: string[] = [];
  if (result.truncated) out.push(style.dim('(Your question was long, so only its beginning was used.)'));
  if (result.answer) {
    const cited = result.answer.sentences.map((sentence) => {
      const url = result.results.find((hit) => hit.rank === sentence.rank)?.url ?? '';
      return `${sentence.text} ${style.link(`[${sentence.rank}]`, url)}`;
    });
    out.push(style.bold('Answer'), wrap(cited.join(' ')), '');
  }
  if (result.lowConfidence) {
    out.push('No paper matches this question well, so there is no answer. The closest ones, as leads rather than answers:');
  }
  for (const hit of result.results) {
    const meta = [hit.date, hit.authors?.slice(0, 3).join(', ')].filter(Boolean).join(' · ');
    out.push(`${hit.rank}. ${style.bold(hit.title)}  ${style.dim(`relevance ${percent(hit.score)}`)}`);
    if (meta) out.push(`   ${style.dim(meta)}`);
    out.push(wrap(hit.summary.map((s) => (s.matched ? style.bold(s.text) : s.text)).join(' ')));
    out.push(`   ${hit.url}`, '');
  }
  if (!result.results.length) out.push('No results.');
  out.push(style.dim(`Searched ${result.searched} papers in ${result.tookMs} ms.`));
  return out.join('\n');
}

/** The generated answer, printed after the reply once it arrives: its citations linked like the extractive answer's. */
export function formatGeneratedAnswer(answer: GeneratedAnswer, result: Pick<AskResult, 'results'>, model: string, style: Style): string {
  const url = (rank: number) => result.results.find((hit) => hit.rank === rank)?.url ?? '';
  const text = rewriteCitations(answer.text, (rank) => style.link(`[${rank}]`, url(rank)));
  return [`${style.bold('Generated answer')} ${style.dim(`(written by ${model} from the sentences it cites)`)}`, wrap(text)].join('\n');
}

export function formatSimilar(title: string, results: readonly SimilarHit[], style: Style): string {
  const out = [`Papers like ${style.bold(title)}:`, ''];
  for (const hit of results) {
    out.push(`${hit.rank}. ${hit.title}  ${style.dim(`similarity ${percent(hit.similarity)}`)}`, wrap(hit.tldr), `   ${hit.url}`, '');
  }
  return out.join('\n');
}

export function formatPaper(paper: PaperDetail, style: Style, found?: FoundResources): string {
  const { links } = paper;
  const out = [style.bold(paper.title)];
  const meta = [paper.id, paper.date, paper.authors?.join(', '), paper.upvotes !== undefined ? `${paper.upvotes} upvotes` : undefined];
  out.push(style.dim(meta.filter(Boolean).join(' · ')), '', wrap(paper.abstract, 96, ''), '');
  const linkLines = Object.entries(links)
    .filter(([name, url]) => name !== 'primary' && url)
    .map(([name, url]) => `  ${name}: ${url}`);
  out.push('Links:', ...linkLines, '', 'Similar papers:');
  for (const hit of paper.similar) out.push(`  ${hit.rank}. ${hit.title} (${hit.id})`);
  if (found) out.push('', ...formatResources(found, style));
  return out.join('\n');
}

/** `paper --question`: the sentences of the paper that answer, the best one bold, and how to see the rest. */
export function formatPaperAnswer(paper: PaperAnswer, style: Style): string {
  const { answer } = paper;
  const out = [style.bold(paper.title), style.dim([paper.id, paper.date].filter(Boolean).join(' · ')), ''];
  if (answer.truncated) out.push(style.dim('(Your question was long, so only its beginning was used.)'));
  out.push(`Q: ${answer.question}`, wrap(answer.sentences.map((s) => (s.matched ? style.bold(s.text) : s.text)).join(' ')), '');
  out.push(style.dim(`The whole abstract: paperscout paper ${paper.id}`), `   ${paper.url}`);
  return out.join('\n');
}

/** Repositories listed per kind; `paper --json` has them all. */
const RESOURCES_SHOWN = 5;

/** `On the Hugging Face Hub:` then, per kind, the most liked repositories and how many cite the paper. */
function formatResources(found: FoundResources, style: Style): string[] {
  const stale = found.stale ? style.dim(` (as of ${found.fetchedAt.toISOString().slice(0, 10)}; the Hub did not answer)`) : '';
  const kinds = HUB_KINDS.filter((kind) => found.resources[kind].length);
  if (!kinds.length) return [`On the Hugging Face Hub: no models, datasets or Spaces cite it yet.${stale}`];
  const out = [`On the Hugging Face Hub:${stale}`];
  for (const kind of kinds) {
    const repos = found.resources[kind];
    out.push(`  ${kind} (${repos.length >= HUB_LIST_LIMIT ? `${HUB_LIST_LIMIT}+` : repos.length}):`);
    for (const repo of repos.slice(0, RESOURCES_SHOWN)) out.push(`    ${repo.id}${repo.likes ? style.dim(` ♥ ${repo.likes}`) : ''}  ${hubRepoUrl(kind, repo.id)}`);
  }
  return out;
}

export function formatTrending(result: TrendingResult, style: Style): string {
  if (!result.date) return 'No daily lists are indexed yet.';
  const out = [style.bold(`Daily papers, ${result.date}`) + style.dim(` (${result.total} papers)`), ''];
  for (const item of result.items) {
    const votes = item.upvotes !== undefined ? style.dim(` ▲ ${item.upvotes}`) : '';
    out.push(`${item.rank}. ${item.title}${votes}`, wrap(item.tldr), `   ${item.url}`, '');
  }
  const shown = result.offset + result.items.length;
  if (shown < result.total) out.push(style.dim(`${result.total - shown} more: --offset ${shown}`));
  return out.join('\n');
}

export function formatReload(report: ReloadReport): string {
  if (report.unchanged) return `Index is up to date: ${report.count} papers, nothing to embed.`;
  return (
    `Index updated in ${(report.tookMs / 1000).toFixed(1)} s: ${report.count} papers ` +
    `(${report.added} added, ${report.updated} updated, ${report.removed} removed, ${report.refreshed} refreshed; ` +
    `${report.embedded} papers embedded${report.fullRebuild ? ', full rebuild' : ''}).`
  );
}

/** `Backfill: 250 days fetched (4,321 papers), 104 without a list, 11 already stored, 1 failed.` */
export function formatBackfill(report: BackfillReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const listed = report.days.filter((d) => d.papers).length;
  const unlisted = report.days.filter((d) => d.papers === 0).length;
  const failed = report.days.filter((d) => d.error).length;
  const parts = [
    `${n(listed)} day(s) fetched (${n(report.papers)} papers)`,
    unlisted && `${n(unlisted)} without a list`,
    `${n(report.skipped)} already stored or known empty`,
    failed && `${n(failed)} failed (run the same command again to retry them)`,
  ].filter(Boolean);
  return `Backfill: ${parts.join(', ')}.`;
}
