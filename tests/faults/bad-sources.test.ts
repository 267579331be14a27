import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../setup/cli.js';
import { seededDataDir, tempDir } from '../setup/engine.js';
import { SEEDS } from '../setup/paths.js';

const good = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'good-1', title: 'Seawater cooling for data centres', abstract: 'We cool a data centre with seawater heat exchangers.', source: 'notes', ...fields });

describe('bad sources', () => {
  // Issue 11, defect 3: 200,000 bad lines gave "Maximum call stack size exceeded" on every command.
  it('a 200,001-line JSONL of {} lines next to the seeds: ask answers, the file is reported once with a count', async () => {
    const sources = tempDir();
    for (const name of readdirSync(SEEDS)) copyFileSync(join(SEEDS, name), join(sources, name));
    writeFileSync(join(sources, 'garbage.jsonl'), `${'{}\n'.repeat(200_000)}${good()}\n`);
    const run = await runCli(['ask', '--json', 'how do MLPs scale on vision tasks?'], { env: { PAPERSCOUT_SOURCES: sources } });
    expect(run.stderr).not.toMatch(/Maximum call stack/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).results[0].id).toBe('2306.13575');
    expect(run.stderr).toContain('200,000 of 200,001 lines unusable, so the whole file was skipped; first: ');
    expect(run.stderr.split('\n').filter((l) => l.includes('garbage.jsonl'))).toHaveLength(1);
  });

  // Issue 11, defect 10: a 10 MB abstract, a NUL in a title and a conflicting duplicate were taken silently.
  it('ingest says what it cut, stripped and kept, and the stored paper is clean', async () => {
    const dataDir = seededDataDir();
    mkdirSync(join(dataDir, 'in'));
    const file = join(dataDir, 'in', 'odd.jsonl');
    const lines = [
      good({ abstract: `We cool a data centre with seawater. ${'More detail. '.repeat(806_600)}` }),
      good({ id: 'nul-1', title: 'Tidal\u0000 turbines for island grids', abstract: 'Tidal turbines power a small island grid through a winter.' }),
      good({ id: 'good-1', title: 'Glacier drilling with hot water', abstract: 'We drill a glacier with hot water.' }),
    ];
    writeFileSync(file, lines.join('\n') + '\n');
    const run = await runCli(['ingest', file], { dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/odd\.jsonl, line 1: abstract cut from 10,485,8\d\d to 20,000 characters/);
    expect(run.stdout).toMatch(/odd\.jsonl, line 2: removed 1 control character/);
    expect(run.stdout).toMatch(/odd\.jsonl, line 3: id good-1 is also at .*odd\.jsonl, line 1, titled "Seawater cooling for data centres"; kept this record's title "Glacier drilling with hot water"/);
    const nul = JSON.parse((await runCli(['paper', '--json', 'nul-1'], { dataDir })).stdout);
    expect(nul.title).toBe('Tidal turbines for island grids');
  });
});
