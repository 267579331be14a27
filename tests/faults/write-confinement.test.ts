import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../setup/cli.js';
import { seededDataDir, tempDir } from '../setup/engine.js';

/** Issue 11, defect 9: a symlinked data/ingested let ingest write outside data/. */
describe('write confinement', () => {
  it('data/ingested symlinked to an outside folder: ingest is refused plainly and nothing is written there', async () => {
    const dataDir = seededDataDir();
    const outside = tempDir();
    symlinkSync(outside, join(dataDir, 'ingested'));
    mkdirSync(join(dataDir, 'in'));
    const file = join(dataDir, 'in', 'mine.jsonl');
    writeFileSync(file, JSON.stringify({ id: 'n-1', title: 'Seawater cooling', abstract: 'We cool a data centre with seawater.', source: 'notes' }) + '\n');
    const run = await runCli(['ingest', file], { dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^paperscout: Refusing to write .*ingested\/mine-[0-9a-f]{8}\.jsonl: it resolves to .*, outside the data folder /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(outside)).toEqual([]);
  });
});
