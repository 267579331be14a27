import type { ResourcesLookup } from '../../engine/resources.js';
import type { PaperLinks } from '../../papers/paper.js';
import { HUB_KINDS, HUB_LIST_LIMIT, hubRepoUrl, type HubKind } from '../../feed/hub-client.js';
import { link } from './payload.js';
import { escapeMarkdown } from './text.js';

/** What `/paper` knows of the Hub when it replies: the lookup, or that one is under way. */
export type ResourcesShown = ResourcesLookup | 'pending' | undefined;

const TITLES: Record<HubKind, string> = { models: 'Models', datasets: 'Datasets', spaces: 'Spaces' };
/** Repositories named per kind; the paper's Hugging Face page lists the rest. */
const SHOWN = 5;

type Field = { name: string; value: string; inline?: boolean };

const likes = (n: number | undefined) => (n ? ` ♥ ${n.toLocaleString('en-US')}` : '');

/** The repository (`org/name` when it is on GitHub) and project page, the two links a reader looks for first. */
export function codeField(links: PaperLinks): Field | undefined {
  const repo = links.github && (/^https?:\/\/(?:www\.)?github\.com\/([^/?#]+\/[^/?#]+)/i.exec(links.github)?.[1] ?? 'repository');
  const parts = [repo && link(escapeMarkdown(repo), links.github!), links.project && link('project page', links.project)].filter(Boolean);
  return parts.length ? { name: 'Code', value: parts.join(' · '), inline: true } : undefined;
}

/**
 * The Hub's models, datasets and Spaces citing a paper, one field per kind that has any: the five
 * most liked, linked, and how many in all (`50+` at the API's page limit). One line otherwise.
 */
export function resourceFields(shown: ResourcesShown, paperPage: string | undefined): Field[] {
  if (shown === undefined) return [];
  if (shown === 'pending') return [{ name: 'On the Hugging Face Hub', value: 'Looking up the models, datasets and Spaces that cite it…' }];
  if (shown.status === 'unavailable') return [];
  const fields = HUB_KINDS.flatMap((kind) => {
    const repos = shown.resources[kind];
    if (!repos.length) return [];
    const total = repos.length >= HUB_LIST_LIMIT ? `${HUB_LIST_LIMIT}+` : String(repos.length);
    const lines = repos.slice(0, SHOWN).map((r) => `${link(escapeMarkdown(r.id), hubRepoUrl(kind, r.id))}${likes(r.likes)}`);
    const more = repos.length > SHOWN && paperPage ? [link(`all ${total} on Hugging Face`, paperPage)] : [];
    return [{ name: `${TITLES[kind]} citing it (${total})`, value: [...lines, ...more].join('\n'), inline: true }];
  });
  return fields.length ? fields : [{ name: 'On the Hugging Face Hub', value: 'No models, datasets or Spaces cite it yet.' }];
}

/** A one-line note for the footer when the lists could not be had, or are old. */
export function resourcesNote(shown: ResourcesShown): string | undefined {
  if (shown === undefined || shown === 'pending') return undefined;
  if (shown.status === 'unavailable') return 'Hugging Face Hub unreachable: models, datasets and Spaces not shown';
  return shown.stale ? `Hub lists from ${shown.fetchedAt.toISOString().slice(0, 10)} (the Hub did not answer)` : undefined;
}
