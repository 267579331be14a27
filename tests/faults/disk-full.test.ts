import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/index/generation.js';
import { runCli } from '../setup/cli.js';
import { dailyPapersResponse } from '../setup/daily-papers.js';
import { seededDataDir, tempDir } from '../setup/engine.js';

/**
 * A full disk (issue 11): the data dir on a small tmpfs, filled almost full. A build or an ingest that
 * cannot be written fails naming ENOSPC and the path, leaves the last good generation live and
 * verified, and leaves no temporary or half-written files behind; once space is freed, the same
 * command succeeds. Needs root for mount (CI and the build machine run as root); skipped otherwise,
 * with the reason printed. Runs dist/ (`npx tsc -p .`).
 */
const SCALING_MLPS = '2306.13575';
const FILLER = 'filler';
/** Free space left when the disk is "full": less than a generation or a batch of new vectors needs. */
const LEFT_FREE = 150_000;

function tryMount(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs at ${dir} (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}); run as root to test a full disk`;
  }
}

const unmountable = (() => {
  if (process.getuid?.() !== 0) return 'not root: cannot mount a tmpfs to test a full disk';
  return undefined;
})();
if (unmountable) console.log(`skipping the full-disk tests: ${unmountable}`);

describe.skipIf(unmountable)('a full disk under the data dir', () => {
  let mount: string;
  let mounted = false;

  beforeAll(() => {
    mount = tempDir('paperscout-tmpfs-');
    const failure = tryMount(mount);
    if (failure) throw new Error(failure);
    mounted = true;
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  /** A copy of the seed index on the tmpfs, alone there. */
  function dataDirOnDisk(name: string): string {
    for (const entry of readdirSync(mount)) rmSync(join(mount, entry), { recursive: true, force: true });
    const dir = join(mount, name);
    cpSync(seededDataDir(), dir, { recursive: true });
    return dir;
  }

  function fill(): void {
    const { bavail, bsize } = statfsSync(mount);
    execFileSync('fallocate', ['-l', String(bavail * bsize - LEFT_FREE), join(mount, FILLER)]);
  }

  const free = () => rmSync(join(mount, FILLER));

  /** What a failed write must not leave: temporary files, half-written generations, a lock. */
  function leftovers(dataDir: string): string[] {
    const live = readManifest(join(dataDir, 'index')).generation;
    const found = readdirSync(dataDir, { recursive: true, encoding: 'utf8' });
    return found.filter((p) => /(^|\/)gen-[^/]+$/.test(p) && !p.endsWith(live)).concat(found.filter((p) => /\.(tmp|[0-9a-f]{12})|index\.lock|tmp-\d+/.test(p)));
  }

  function expectDiskFullMessage(stderr: string, underPath: string): void {
    const said = /No space left on device \(ENOSPC\) while writing (\S+?)\. /.exec(stderr);
    expect(said, stderr).not.toBeNull();
    expect(said![1]!.startsWith(underPath), stderr).toBe(true);
    expect(stderr).toContain('the last good index is untouched');
    expect(stderr).not.toMatch(/unexpected|Hnswlib|\n\s+at .+:\d+:\d+|incident/i);
  }

  async function expectServing(dataDir: string, manifestText: string): Promise<void> {
    expect(readFileSync(join(dataDir, 'index', 'manifest.json'), 'utf8')).toBe(manifestText);
    const status = await runCli(['index', 'status'], { dataDir });
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toContain('files: verified against their checksums');
  }

  async function expectAnswers(dataDir: string): Promise<void> {
    const asked = await runCli(['ask', '--json', '-k', '1', 'how do MLPs scale on vision tasks?'], { dataDir });
    expect(asked.code, asked.stderr).toBe(0);
    expect((JSON.parse(asked.stdout) as { results: { id: string }[] }).results[0]!.id).toBe(SCALING_MLPS);
  }

  it('index build --force fails naming ENOSPC and the generation folder; the last good index keeps serving; it succeeds once space is freed', async () => {
    const dataDir = dataDirOnDisk('data');
    const manifestText = readFileSync(join(dataDir, 'index', 'manifest.json'), 'utf8');
    fill();
    const failed = await runCli(['index', 'build', '--force'], { dataDir });
    expect(failed.code).toBe(1);
    expectDiskFullMessage(failed.stderr, join(dataDir, 'index', 'gen-'));
    expect(leftovers(dataDir)).toEqual([]);
    await expectServing(dataDir, manifestText);
    await expectAnswers(dataDir);

    free();
    const rebuilt = await runCli(['index', 'build', '--force'], { dataDir });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(readManifest(join(dataDir, 'index')).generation).not.toBe(JSON.parse(manifestText).generation);
    expect(leftovers(dataDir)).toEqual([]);
    await expectAnswers(dataDir);
  });

  it('ingest fails naming ENOSPC and the embedding cache; nothing it wrote half is left; it succeeds once space is freed', async () => {
    const dataDir = dataDirOnDisk('data');
    const manifestText = readFileSync(join(dataDir, 'index', 'manifest.json'), 'utf8');
    const before = readManifest(join(dataDir, 'index')).count;
    // An api/daily_papers response whose new vectors do not fit.
    const day = join(dataDir, '2026-01-05.json');
    writeFileSync(day, await dailyPapersResponse(40, 3));
    fill();
    const failed = await runCli(['ingest', day], { dataDir });
    expect(failed.code).toBe(1);
    expectDiskFullMessage(failed.stderr, join(dataDir, 'cache'));
    expect(leftovers(dataDir)).toEqual([]);
    await expectServing(dataDir, manifestText);

    free();
    const ingested = await runCli(['ingest', day], { dataDir });
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(readManifest(join(dataDir, 'index')).count).toBeGreaterThan(before);
    const status = await runCli(['index', 'status'], { dataDir });
    expect(status.stdout).toContain('sources: unchanged since the build');
    expect(leftovers(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'index.lock'))).toBe(false);
  });
});
