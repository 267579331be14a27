import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.js';
import { confineWrite } from '../util/paths.js';
import type { HubResources } from './hub-client.js';

const repo = z.object({ id: z.string(), likes: z.number().optional(), downloads: z.number().optional() });
const entrySchema = z.object({
  version: z.literal(1),
  fetchedAt: z.string(),
  resources: z.object({ models: z.array(repo), datasets: z.array(repo), spaces: z.array(repo) }),
});

export interface CachedResources {
  fetchedAt: Date;
  resources: HubResources;
}

/** `data/hub/<arXiv id>.json`; a legacy id's slash (`hep-th/9901001`) becomes an underscore. */
function entryPath(dataDir: string, arxivId: string): string {
  return join(dataDir, 'hub', `${arxivId.replace(/\//g, '_')}.json`);
}

/** The stored lists of a paper, however old; undefined when none is stored or the file is unreadable. */
export function readCachedResources(dataDir: string, arxivId: string): CachedResources | undefined {
  try {
    const entry = entrySchema.parse(JSON.parse(readFileSync(entryPath(dataDir, arxivId), 'utf8')));
    const fetchedAt = new Date(entry.fetchedAt);
    return Number.isNaN(fetchedAt.getTime()) ? undefined : { fetchedAt, resources: entry.resources };
  } catch {
    return undefined;
  }
}

/** Stores a paper's lists, whole or not at all. */
export async function writeCachedResources(dataDir: string, arxivId: string, cached: CachedResources): Promise<void> {
  const path = confineWrite(entryPath(dataDir, arxivId), dataDir);
  mkdirSync(join(dataDir, 'hub'), { recursive: true });
  await writeFileAtomic(path, JSON.stringify({ version: 1, fetchedAt: cached.fetchedAt.toISOString(), resources: cached.resources }));
}
