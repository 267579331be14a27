import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexDirIn, readManifest } from '../../../src/index/generation.js';

/**
 * Keeps the live index generation and the embedding-cache segment list, so the corpus can be put
 * back exactly as it was (generations are immutable, so hard links are a cheap, safe copy).
 */
export function indexBackup(dataDir: string): { restore: () => string | undefined; discard: () => void } {
  const indexDir = indexDirIn(dataDir);
  const manifestText = readFileSync(join(indexDir, 'manifest.json'), 'utf8');
  const { generation } = readManifest(indexDir);
  const backup = join(tmpdir(), `paperscout-botbench-${process.pid}-${Date.now()}`);
  mkdirSync(backup, { recursive: true });
  for (const name of readdirSync(join(indexDir, generation))) {
    try {
      linkSync(join(indexDir, generation, name), join(backup, name));
    } catch {
      copyFileSync(join(indexDir, generation, name), join(backup, name));
    }
  }
  const cacheDirs = existsSync(join(dataDir, 'cache')) ? readdirSync(join(dataDir, 'cache')).map((d) => join(dataDir, 'cache', d)) : [];
  const segmentsBefore = new Map(cacheDirs.map((d) => [d, new Set(readdirSync(d))]));
  return {
    /** Call with no engine open on this data dir. Returns a note when something could not be restored. */
    restore() {
      const notes: string[] = [];
      if (readManifest(indexDir).generation !== generation) {
        const restored = join(indexDir, generation);
        mkdirSync(restored, { recursive: true });
        for (const name of readdirSync(backup)) {
          if (!existsSync(join(restored, name))) linkSync(join(backup, name), join(restored, name));
        }
        writeFileSync(join(indexDir, 'manifest.json.botbench'), manifestText);
        // rename replaces the manifest atomically; then drop every other generation (as commitGeneration does).
        renameSync(join(indexDir, 'manifest.json.botbench'), join(indexDir, 'manifest.json'));
        for (const name of readdirSync(indexDir)) {
          if (name.startsWith('gen-') && name !== generation) rmSync(join(indexDir, name), { recursive: true, force: true });
        }
      }
      for (const [dir, before] of segmentsBefore) {
        const now = new Set(readdirSync(dir));
        if ([...before].every((name) => now.has(name))) {
          for (const name of now) if (!before.has(name) && /^seg-\d+\.bin$/.test(name)) rmSync(join(dir, name), { force: true });
        } else {
          notes.push(`the embedding cache in ${dir} was compacted during the run, so the extra papers' vectors stay in it`);
        }
      }
      return notes.length ? notes.join('; ') : undefined;
    },
    discard() {
      rmSync(backup, { recursive: true, force: true });
    },
  };
}

