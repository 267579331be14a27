import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { confineWrite } from '../util/paths.js';
import type { FetchedDay } from './daily-client.js';

export function feedDir(dataDir: string): string {
  return join(dataDir, 'feed');
}

/**
 * Stores a fetched day as `feed/<date>.json`, the saved-response shape every reload reads. Written
 * atomically and only when complete, so a failed fetch leaves the previous file (and index) as it was.
 */
export async function saveDay(dataDir: string, day: FetchedDay): Promise<string> {
  const dir = feedDir(dataDir);
  const path = confineWrite(join(dir, `${day.date}.json`), dataDir);
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(path, JSON.stringify(day.items));
  return path;
}
