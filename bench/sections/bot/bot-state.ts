import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Removes `<dataDir>/bot` afterwards when the bench created it (the bot keeps its state there). */
export function botStateCleaner(dataDir: string): () => void {
  const dir = join(dataDir, 'bot');
  const existed = existsSync(dir);
  return () => {
    if (!existed) rmSync(dir, { recursive: true, force: true });
  };
}

