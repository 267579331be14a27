import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { z } from 'zod';
import type { Logger } from '../../log.js';
import { confineWrite } from '../../util/paths.js';

/**
 * A small JSON document on disk: validated when read, written atomically (temporary file, then
 * rename) one write at a time. A file that does not parse or validate is set aside, never trusted
 * and never overwritten, so a person can still recover it.
 */
export class JsonStore<T> {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private value: T,
  ) {}

  /** Opens `name` (such as `bot/state.json`) in the data dir; a symlink leading out of it is refused. */
  static open<S extends z.ZodType>(dataDir: string, name: string, schema: S, empty: () => z.infer<S>, log: Logger): JsonStore<z.infer<S>> {
    const path = confineWrite(join(dataDir, name), dataDir);
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) return new JsonStore(path, empty());
    try {
      return new JsonStore(path, schema.parse(JSON.parse(readFileSync(path, 'utf8'))));
    } catch (error) {
      const aside = `${path}.corrupt-${Date.now()}`;
      renameSync(path, aside);
      log.error({ path, aside, err: error }, 'a state file was unreadable; it was set aside and a fresh one started');
      return new JsonStore(path, empty());
    }
  }

  get current(): T {
    return this.value;
  }

  /** Applies a change in memory at once and persists it; resolves when it is on disk. */
  update(change: (draft: T) => void): Promise<void> {
    const next = structuredClone(this.value);
    change(next);
    this.value = next;
    const snapshot = JSON.stringify(next);
    this.writes = this.writes.catch(() => undefined).then(() => writeFileAtomic(this.path, snapshot));
    return this.writes;
  }

  /** Waits for every pending write. */
  flush(): Promise<void> {
    return this.writes.catch(() => undefined);
  }
}
