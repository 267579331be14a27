import { z } from 'zod';
import type { HubConfig } from '../config.js';
import { FetchError } from '../errors.js';
import type { Logger } from '../log.js';
import { getJson, MB, type HttpOptions } from './get-json.js';

/** The three kinds of Hub repository that can cite a paper, as the API names them. */
export const HUB_KINDS = ['models', 'datasets', 'spaces'] as const;
export type HubKind = (typeof HUB_KINDS)[number];

/** One repository on the Hub: `org/name`, with its likes and (models, datasets) downloads. */
export interface HubRepo {
  id: string;
  likes?: number;
  downloads?: number;
}

/** The repositories that cite a paper, most liked first, at most HUB_LIST_LIMIT of each kind. */
export type HubResources = Record<HubKind, HubRepo[]>;

/** Enough to show the best few and say "50+"; the paper's Hugging Face page lists them all. */
export const HUB_LIST_LIMIT = 50;

const count = z.number().int().nonnegative().optional().catch(undefined);
const repoSchema = z.object({ id: z.string().regex(/^[\w.-]{1,96}(\/[\w.-]{1,96})?$/), likes: count, downloads: count });

/**
 * What a reply can wait for: one retry, a short backoff, and no Retry-After longer than two seconds
 * (a Hub asking for more is treated as down). Lists are small, so a large body means something is wrong.
 */
export function hubHttpOptions(hub: HubConfig, log?: Logger): HttpOptions {
  return { baseUrl: hub.apiBase, timeoutMs: hub.timeoutMs, retries: 1, minBackoffMs: 250, maxWaitMs: 2000, maxResponseBytes: 5 * MB, log, what: 'Hugging Face Hub' };
}

/** `GET /api/<kind>?filter=arxiv:<id>`: the repositories of one kind that cite the paper. Malformed entries are skipped. */
export async function fetchCiting(kind: HubKind, arxivId: string, options: HttpOptions): Promise<HubRepo[]> {
  const url = new URL(`/api/${kind}`, options.baseUrl);
  url.search = new URLSearchParams({ filter: `arxiv:${arxivId}`, sort: 'likes', direction: '-1', limit: String(HUB_LIST_LIMIT) }).toString();
  const json = await getJson(url.toString(), options);
  if (!Array.isArray(json)) throw new FetchError(`expected a JSON array from ${url}, got ${json === null ? 'null' : typeof json}`);
  return json
    .flatMap((raw) => {
      const parsed = repoSchema.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => (b.likes ?? 0) - (a.likes ?? 0))
    .slice(0, HUB_LIST_LIMIT);
}

/** The models, datasets and Spaces citing a paper, asked for together; any kind failing fails the whole. */
export async function fetchHubResources(arxivId: string, options: HttpOptions): Promise<HubResources> {
  const [models, datasets, spaces] = await Promise.all(HUB_KINDS.map((kind) => fetchCiting(kind, arxivId, options)));
  return { models: models!, datasets: datasets!, spaces: spaces! };
}

/** Where a repository lives on huggingface.co. */
export function hubRepoUrl(kind: HubKind, id: string): string {
  return kind === 'models' ? `https://huggingface.co/${id}` : `https://huggingface.co/${kind}/${id}`;
}
