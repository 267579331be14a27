import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { indexBackup } from '../../bench/lib/index-backup.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperscout-backup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data dir laid out as the index and the embedding cache lay theirs out: one live generation, two cache segments. */
function dataDir(): { dataDir: string; cache: string } {
  const dataDir = tempDir();
  mkdirSync(join(dataDir, 'index', 'gen-a'), { recursive: true });
  writeFileSync(join(dataDir, 'index', 'gen-a', 'hnsw.bin'), 'graph a');
  writeFileSync(join(dataDir, 'index', 'gen-a', 'papers.jsonl'), 'papers a');
  writeFileSync(join(dataDir, 'index', 'manifest.json'), JSON.stringify({ generation: 'gen-a', labels: ['p0', 'p1'] }));
  const cache = join(dataDir, 'cache', 'model-abc');
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'seg-00000001.bin'), 'one');
  writeFileSync(join(cache, 'seg-00000002.bin'), 'two');
  return { dataDir, cache };
}

/** What a reload does: a new generation, the manifest switched to it, the old one swept, vectors cached. */
function commitAnother({ dataDir, cache }: { dataDir: string; cache: string }): void {
  const index = join(dataDir, 'index');
  mkdirSync(join(index, 'gen-b'));
  writeFileSync(join(index, 'gen-b', 'hnsw.bin'), 'graph b');
  writeFileSync(join(index, 'manifest.json'), JSON.stringify({ generation: 'gen-b', labels: ['p0', null, 'p2'] }));
  rmSync(join(index, 'gen-a'), { recursive: true });
  writeFileSync(join(cache, 'seg-00000003.bin'), 'three');
}

describe('indexBackup (bench sections put a stored corpus back as they found it)', () => {
  it('restores the generation, the manifest and the cache segment list after a reload committed another', () => {
    const layout = dataDir();
    const manifest = readFileSync(join(layout.dataDir, 'index', 'manifest.json'), 'utf8');
    const backup = indexBackup(layout.dataDir, tempDir());
    commitAnother(layout);

    expect(backup.restore()).toBeUndefined();
    backup.discard();
    const index = join(layout.dataDir, 'index');
    expect(readFileSync(join(index, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(readdirSync(index).sort()).toEqual(['gen-a', 'manifest.json']);
    expect(readFileSync(join(index, 'gen-a', 'hnsw.bin'), 'utf8')).toBe('graph a');
    expect(readFileSync(join(index, 'gen-a', 'papers.jsonl'), 'utf8')).toBe('papers a');
    expect(readdirSync(layout.cache).sort()).toEqual(['seg-00000001.bin', 'seg-00000002.bin']);
  });

  it('restores again and again: a second run of the same section finds the same corpus', () => {
    const layout = dataDir();
    const manifest = readFileSync(join(layout.dataDir, 'index', 'manifest.json'), 'utf8');
    for (let run = 0; run < 3; run++) {
      const backup = indexBackup(layout.dataDir, tempDir());
      commitAnother(layout);
      backup.restore();
      backup.discard();
      expect(readFileSync(join(layout.dataDir, 'index', 'manifest.json'), 'utf8')).toBe(manifest);
      expect(readFileSync(join(layout.dataDir, 'index', 'gen-a', 'hnsw.bin'), 'utf8')).toBe('graph a');
    }
  });

  it('changes nothing when nothing was committed, and says so when the cache was compacted meanwhile', () => {
    const layout = dataDir();
    const backup = indexBackup(layout.dataDir, tempDir());
    rmSync(join(layout.cache, 'seg-00000001.bin'));
    writeFileSync(join(layout.cache, 'seg-00000003.bin'), 'one and two');
    expect(backup.restore()).toMatch(/compacted/);
    backup.discard();
    expect(existsSync(join(layout.dataDir, 'index', 'gen-a', 'hnsw.bin'))).toBe(true);
    expect(readdirSync(join(layout.dataDir, 'index')).sort()).toEqual(['gen-a', 'manifest.json']);
  });
});
