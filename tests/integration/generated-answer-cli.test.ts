import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../setup/answer-llm-server.js';
import { runCli } from '../setup/cli.js';

const QUESTION = 'how do MLPs scale on vision tasks?';
const SCALING_MLPS = '2306.13575';
const KEY = 'sk-cli-test-secret-5678';

describe('paperscout ask with ANSWER_LLM_URL, against a local fake model', () => {
  let server: LlmServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startLlmServer();
    env = { ANSWER_LLM_URL: server.url, ANSWER_LLM_MODEL: 'fake-model', ANSWER_LLM_KEY: KEY };
  });
  beforeEach(() => void (server.requests.length = 0));
  afterAll(() => server.close());

  it('prints the reply with its extractive answer first, then the generated answer', async () => {
    server.reply({ content: 'Plain MLPs improve drastically with scale [1].' });
    const run = await runCli(['ask', '-k', '3', QUESTION], { env });
    expect(run.code).toBe(0);
    const searched = run.stdout.indexOf('Searched 64 papers');
    expect(run.stdout.indexOf('«Answer»')).toBeGreaterThanOrEqual(0);
    expect(run.stdout.indexOf('«Answer»')).toBeLessThan(searched);
    expect(run.stdout.slice(searched)).toContain('«Generated answer» (written by fake-model from the sentences it cites)\n   Plain MLPs improve drastically with scale [1].');
    // The model saw the extractive answer's sentence as source [1].
    const [request] = server.requests;
    expect(request!.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body.messages!.at(-1)!.content).toMatch(/^Sources:\n\[1\] .+\n\[2\] .+\n\[3\] .+\n\nQuestion: how do MLPs scale on vision tasks\?$/);
  });

  it('adds generatedAnswer to --json, its citations mapped to paper ids', async () => {
    server.reply({ content: 'Plain MLPs improve drastically with scale [1].' });
    const json = JSON.parse((await runCli(['ask', '--json', '-k', '3', QUESTION], { env })).stdout);
    expect(json.answer.sentences[0]).toMatchObject({ rank: 1, id: SCALING_MLPS });
    expect(json.generatedAnswer).toEqual({ text: 'Plain MLPs improve drastically with scale [1].', citations: [{ rank: 1, id: SCALING_MLPS }] });
  });

  it('keeps the extractive answer alone when the generated one is dropped, saying why on stderr, never the key', async () => {
    server.reply({ content: 'Plain MLPs improve drastically with scale.' }, { status: 500 });
    for (const args of [['ask', '--json', '-k', '3', QUESTION], ['ask', '-k', '3', QUESTION]]) {
      const run = await runCli(args, { env });
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(/generated/i);
      expect(run.stderr).toMatch(/generated answer dropped, the extractive answer stays: (the reply cites no source|the server answered HTTP 500)/);
      expect(run.stderr).not.toContain(KEY);
    }
    expect(JSON.parse((await runCli(['ask', '--json', '-k', '3', QUESTION], { env })).stdout)).toHaveProperty('answer');
  });

  it('asks the model nothing when no paper matches well (no answer to replace)', async () => {
    const json = JSON.parse((await runCli(['ask', '--json', 'what is the best pizza in Naples?'], { env })).stdout);
    expect(json.lowConfidence).toBe(true);
    expect(json).not.toHaveProperty('generatedAnswer');
    expect(server.requests).toHaveLength(0);
  });
});
