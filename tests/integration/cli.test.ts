import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededDataDir, tempDir } from '../setup/engine.js';
import { startHfServer } from '../setup/hf-server.js';
import { runCli } from '../setup/cli.js';

const cli = runCli;

describe('paperscout CLI', () => {
  it('answers a question in readable text', async () => {
    const run = await cli(['ask', 'how', 'do', 'MLPs', 'scale', 'on', 'vision', 'tasks?']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1\. .*Scaling MLPs: A Tale of Inductive Bias/m);
    expect(run.stdout).toContain('https://arxiv.org/abs/2306.13575');
    expect(run.stdout).toMatch(/Searched 64 papers in [\d.]+ ms/);
  });

  it('treats the empty values of a copied .env.example as unset', async () => {
    const run = await cli(['ask', '--json', '-k', '1', 'how do MLPs scale on vision tasks?'], { env: { LOG_LEVEL: '', EMBEDDING_POOLING: '', MODEL_OFFLINE: '' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).results[0].id).toBe('2306.13575');
  });

  it('prints the documented JSON schema with --json', async () => {
    const run = await cli(['ask', '--json', '-k', '3', 'how do MLPs scale on vision tasks?']);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json).sort()).toEqual(['answer', 'lowConfidence', 'query', 'results', 'tookMs']);
    expect(Object.keys(json.answer.sentences[0]).sort()).toEqual(['id', 'rank', 'text']);
    expect(json.answer.sentences[0]).toMatchObject({ rank: 1, id: '2306.13575' });
    expect(json.results).toHaveLength(3);
    expect(Object.keys(json.results[0]).sort()).toEqual(['id', 'matched', 'rank', 'score', 'summary', 'title', 'url']);
    expect(json.results[0]).toMatchObject({ rank: 1, id: '2306.13575', url: 'https://arxiv.org/abs/2306.13575' });
    expect(json.results[0].summary).toContain(json.results[0].matched);
    expect(typeof json.tookMs).toBe('number');
    expect(json.lowConfidence).toBe(false);
  });

  it('answers one question per stdin line as JSON lines, loading the model once', async () => {
    const input = 'how do MLPs scale on vision tasks?\n\nwhat is the best pizza in Naples?\n   \n???\n';
    const run = await cli(['ask', '--json', '-'], { input });
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].results[0].id).toBe('2306.13575');
    expect(lines[1].lowConfidence).toBe(true);
    expect(lines[2].error).toMatch(/at least one word/);
  });

  it('shows similar papers, a paper in full, and the trending list', async () => {
    const dataDir = seededDataDir();
    const similar = JSON.parse((await cli(['similar', '--json', '2306.13575'], { dataDir })).stdout);
    expect(similar.results).toHaveLength(5);
    const paper = await cli(['paper', 'scaling', 'mlps:', 'a', 'tale', 'of', 'inductive', 'bias'], { dataDir });
    expect(paper.stdout).toContain('pdf: https://arxiv.org/pdf/2306.13575');
    expect(paper.stdout).toContain('Similar papers:');
    const trending = JSON.parse((await cli(['trending', '--json', '--limit', '3'], { dataDir })).stdout);
    expect(trending).toMatchObject({ date: '2025-03-12', total: 64 });
    expect(trending.items).toHaveLength(3);
  });

  it('reports index status and verifies the files', async () => {
    const run = await cli(['index', 'status']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('papers: 64');
    expect(run.stdout).toContain('64 labels in 1 graph segment\n');
    expect(run.stdout).toContain('verified against their checksums');
    expect(run.stdout).toContain('unchanged since the build');
  });

  it('rebuilds with index build --force, embedding nothing', async () => {
    const run = await cli(['index', 'build', '--force']);
    expect(run.stdout).toMatch(/64 papers .*0 papers embedded, full rebuild/);
  });

  it('ingests a JSONL file from data/ and answers from it', async () => {
    const dataDir = seededDataDir();
    mkdirSync(join(dataDir, 'incoming'));
    const file = join(dataDir, 'incoming', 'mine.jsonl');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'local-note-1',
        title: 'Cooling data centres with seawater heat exchangers',
        abstract: 'We describe a seawater heat exchanger that cools a data centre. It cuts energy use for cooling by 40 percent over a year of operation.',
        source: 'notes',
      }) + '\n{"bad": 1}\n',
    );
    const ingest = await cli(['ingest', file], { dataDir });
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/Read 1 papers/);
    expect(ingest.stdout).toMatch(/line 2: /);
    expect(ingest.stdout).toMatch(/1 added/);
    const ask = JSON.parse((await cli(['ask', '--json', 'seawater cooling for data centers'], { dataDir })).stdout);
    expect(ask.results[0].id).toBe('local-note-1');
  });

  it('refuses to ingest a file outside data/ and seeds/', async () => {
    const run = await cli(['ingest', '../../etc/passwd']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Refusing \.\.\/\.\.\/etc\/passwd/);
    expect(run.stderr).toContain('--allow-outside');
  });

  it('explains an empty question, a bad setting and a missing model, without a stack trace', async () => {
    const empty = await cli(['ask', '   ']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('paperscout: Please ask a question with at least one word in it.\n');

    const bad = await cli(['ask', 'x'], { env: { HNSW_M: 'lots', EMBEDDING_DTYPE: 'int3' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HNSW_M: .*"lots"/);
    expect(bad.stderr).toMatch(/EMBEDDING_DTYPE: .*"int3"/);

    const missing = await cli(['ask', 'x'], { env: { PAPERSCOUT_MODELS_DIR: tempDir() } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/could not be loaded/);
    expect(missing.stderr).toContain('npm run model:offline');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects unknown papers and bad options plainly', async () => {
    const unknown = await cli(['similar', '9999.99999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No paper matches "9999.99999"');
    const usage = await cli(['trending', '--date', 'yesterday']);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain('expected YYYY-MM-DD');
  });

  it('refuses a count of 0 (it would ask for nothing) but takes an offset of 0', async () => {
    const none = await cli(['ask', '-k', '0', 'how do MLPs scale on vision tasks?']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('expected a whole number of 1 or more');
    const first = JSON.parse((await cli(['trending', '--json', '--limit', '1', '--offset', '0'])).stdout);
    expect(first.items).toHaveLength(1);
    expect(first.items[0].rank).toBe(1);
  });

  it('fetches daily lists from HF_API_BASE, backfills days, and reports a failed day without changing it', async () => {
    const hf = await startHfServer();
    try {
      const dataDir = seededDataDir();
      const env = { HF_API_BASE: hf.url, HF_FETCH_RETRIES: '0' };
      const run = await cli(['fetch', '--date', '2025-03-14', '--days', '2'], { dataDir, env });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('2025-03-13: 6 papers');
      expect(run.stdout).toContain('2025-03-14: 3 papers');
      expect(run.stdout).toMatch(/72 papers \(8 added/);
      const trending = JSON.parse((await cli(['trending', '--json'], { dataDir, env })).stdout);
      expect(trending.date).toBe('2025-03-14');

      hf.fault('2025-03-15', { status: 500 });
      const failed = await cli(['fetch', '--date', '2025-03-15'], { dataDir, env });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('2025-03-15: failed (HTTP 500); nothing changed');
      expect(failed.stdout).toContain('Index is up to date: 72 papers');
    } finally {
      await hf.close();
    }
  });
});
