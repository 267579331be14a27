import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IndexBackup {
  /** Puts the index back; call with no engine open on the data dir. Returns a note when something could not be restored exactly. */
  restore(): string | undefined;
  /** Removes the backup's own links. */
  discard(): void;
}

/** The live generation's name, read without validating the manifest, so any format version can be backed up. */
function liveGeneration(indexDir: string): string {
  return (JSON.parse(readFileSync(join(indexDir, 'manifest.json'), 'utf8')) as { generation: string }).generation;
}

/**
 * Keeps the live index generation and the embedding-cache segment list of a data dir, so a benchmark
 * that reloads a stored corpus can put it back exactly as it was, for the next section and the next
 * run. Generations and cache segments are never changed once written, so hard links are a cheap, safe copy.
 */
export function indexBackup(dataDir: string, scratch = tmpdir()): IndexBackup {
  const indexDir = join(dataDir, 'index');
  const manifestText = readFileSync(join(indexDir, 'manifest.json'), 'utf8');
  const generation = liveGeneration(indexDir);
  const backup = join(scratch, `paperscout-bench-backup-${process.pid}-${Date.now()}`);
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
    restore() {
      const notes: string[] = [];
      if (readFileSync(join(indexDir, 'manifest.json'), 'utf8') !== manifestText) {
        const restored = join(indexDir, generation);
        mkdirSync(restored, { recursive: true });
        for (const name of readdirSync(backup)) {
          if (!existsSync(join(restored, name))) linkSync(join(backup, name), join(restored, name));
        }
        writeFileSync(join(indexDir, 'manifest.json.bench'), manifestText);
        // rename replaces the manifest atomically; then drop every other generation (as a commit does).
        renameSync(join(indexDir, 'manifest.json.bench'), join(indexDir, 'manifest.json'));
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
