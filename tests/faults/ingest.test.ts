import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../setup/cli.js';
import { seededDataDir } from '../setup/engine.js';

/** Issue 11, defect 2: ingesting two files of the same name lost the first one's papers. */

const TOPICS = ['seawater cooling', 'glacier drilling', 'bee navigation', 'tidal turbines', 'cave mapping', 'kelp farming'];

function paper(n: number, abstract?: string): string {
  const topic = TOPICS[n]!;
  return JSON.stringify({
    id: `local-${n}`,
    title: `A field study of ${topic} with low-cost sensors`,
    abstract: abstract ?? `We report a year-long field study of ${topic}. Low-cost sensors recorded conditions every hour, and the data show clear seasonal patterns.`,
    source: 'notes',
  });
}

function write(dataDir: string, relative: string, lines: string[]): string {
  const file = join(dataDir, relative);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const live = (dataDir: string) => (JSON.parse(readFileSync(join(dataDir, 'index', 'manifest.json'), 'utf8')) as { generation: string; count: number });

describe('ingest', () => {
  it('two files named papers.jsonl: each gets its own stored copy, and the second ingest removes nothing', async () => {
    const dataDir = seededDataDir();
    const x = write(dataDir, 'in/x/papers.jsonl', [paper(0), paper(1), paper(2)]);
    const y = write(dataDir, 'in/y/papers.jsonl', [paper(3), paper(4)]);
    const first = await runCli(['ingest', x], { dataDir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Read 3 papers from .*x\/papers\.jsonl into .*ingested\/papers-[0-9a-f]{8}\.jsonl: 3 new\./);
    expect(first.stdout).toMatch(/\(3 added, 0 updated, 0 removed/);
    const second = await runCli(['ingest', y], { dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Read 2 papers from .*: 2 new\./);
    expect(second.stdout).toMatch(/69 papers \(2 added, 0 updated, 0 removed/);
    expect(readdirSync(join(dataDir, 'ingested'))).toHaveLength(2);
    for (const n of [0, 1, 2, 3, 4]) expect((await runCli(['paper', '--json', `local-${n}`], { dataDir })).code).toBe(0);
  });

  it('a day page (.txt) and a day response (.json) of the same date are stored apart', async () => {
    const dataDir = seededDataDir();
    const abstract = 'We study widgets for message passing in graph neural networks and show that they scale well across tasks. '.repeat(3);
    const page = join(dataDir, 'in', '2025-03-12.txt');
    mkdirSync(join(dataDir, 'in'));
    writeFileSync(page, `Mar 12\n\nWidget graphs from a saved page\n\n${abstract}\n`);
    const day = join(dataDir, 'in', '2025-03-12.json');
    writeFileSync(day, JSON.stringify([{ paper: { id: '2503.09001', title: 'Gadget trees from a saved response', summary: abstract } }]));
    expect((await runCli(['ingest', page], { dataDir })).stdout).toMatch(/1 added/);
    const run = await runCli(['ingest', day], { dataDir });
    expect(run.stdout).toMatch(/66 papers \(1 added, 0 updated, 0 removed/);
    expect(readdirSync(join(dataDir, 'ingested')).sort()).toEqual([expect.stringMatching(/^2025-03-12-[0-9a-f]{8}\.jsonl$/), expect.stringMatching(/^2025-03-12-[0-9a-f]{8}\.jsonl$/)]);
  });

  it('re-ingesting the same file changes nothing: 0 added, 0 removed, the same index generation', async () => {
    const dataDir = seededDataDir();
    const x = write(dataDir, 'in/x/papers.jsonl', [paper(0), paper(1)]);
    expect((await runCli(['ingest', x], { dataDir })).code).toBe(0);
    const stored = join(dataDir, 'ingested', readdirSync(join(dataDir, 'ingested'))[0]!);
    const before = { index: live(dataDir), mtime: statSync(stored).mtimeMs };
    const again = await runCli(['ingest', x], { dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Read 2 papers .*: 0 new, 2 already indexed as they are\. .* already held exactly these papers; nothing was written\./);
    expect(again.stdout).toMatch(/Index is up to date: 66 papers, nothing to embed\./);
    expect(live(dataDir)).toEqual(before.index);
    expect(statSync(stored).mtimeMs).toBe(before.mtime);
    expect(readdirSync(join(dataDir, 'ingested'))).toHaveLength(1);
  });

  it('says what it is about to add, update and drop before the reload, and the reload agrees', async () => {
    const dataDir = seededDataDir();
    const x = write(dataDir, 'in/x/papers.jsonl', [paper(0), paper(1), paper(2)]);
    expect((await runCli(['ingest', x], { dataDir })).code).toBe(0);
    write(dataDir, 'in/x/papers.jsonl', [paper(0), paper(1, 'A new abstract: the bee colonies were followed by radar through two summers, and the flights mapped.'), paper(5)]);
    const run = await runCli(['ingest', x], { dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: 1 new, 1 already indexed \(updated\), 1 already indexed as it is, 1 paper no longer in the file \(removed unless another source has them\)\./);
    expect(run.stdout).toMatch(/67 papers \(1 added, 1 updated, 1 removed/);
  });
});
