import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerLlmConfig } from '../../src/config.js';
import { requestGeneratedAnswer } from '../../src/engine/generated-answer-client.js';
import type { AskResult } from '../../src/engine/results.js';
import { startLlmServer, type LlmServer } from '../setup/answer-llm-server.js';
import { capturingLogger, quietLogger } from '../setup/engine.js';
import { arxivId, askResult } from './bot-fixtures.js';

const KEY = 'sk-test-secret-key-1234';

/** Three results and the extractive answer of the first: the case in which an answer is generated. */
function answered(): AskResult {
  const result = askResult(3);
  result.answer = { sentences: [{ text: result.results[0]!.summary[0]!.text, rank: 1, id: arxivId(1) }] };
  return result;
}

describe('requestGeneratedAnswer, against a local OpenAI-compatible server', () => {
  let server: LlmServer;
  let config: AnswerLlmConfig;
  beforeAll(async () => {
    server = await startLlmServer();
  });
  beforeEach(() => {
    server.requests.length = 0;
    config = { url: server.url, model: 'fake-model', key: KEY, timeoutMs: 5000 };
  });
  afterAll(() => server.close());

  const ask = (result = answered(), options: { timeoutMs?: number } = {}) => requestGeneratedAnswer(config, result, { log: quietLogger(), ...options });

  it('accepts a good answer, maps its citations to the results, and asks with the sources, the model and the key', async () => {
    server.reply({ content: 'MLPs improve with scale [1]. Pretraining helps them further [3, 1].' });
    const verdict = await ask();
    expect(verdict).toEqual({
      answer: { text: 'MLPs improve with scale [1]. Pretraining helps them further [3, 1].', citations: [{ rank: 1, id: arxivId(1) }, { rank: 3, id: arxivId(3) }] },
    });
    const [request] = server.requests;
    expect(request).toMatchObject({ path: '/v1/chat/completions', authorization: `Bearer ${KEY}`, body: { model: 'fake-model', stream: false } });
    const user = request!.body.messages!.at(-1)!.content;
    expect(user).toContain('[1] Sentence that answers the question for paper 1.');
    expect(user).toContain('[3] Sentence that answers the question for paper 3.');
  });

  it('sends no Authorization header without a key', async () => {
    config.key = undefined;
    server.reply({ content: 'MLPs improve with scale [1].' });
    expect((await ask())!.answer).not.toBeNull();
    expect(server.requests[0]!.authorization).toBeUndefined();
  });

  it('drops an uncited answer', async () => {
    server.reply({ content: 'MLPs improve with scale, as everyone knows.' });
    expect(await ask()).toEqual({ answer: null, reason: 'the reply cites no source' });
  });

  it('drops an answer that cites a result not shown', async () => {
    server.reply({ content: 'MLPs improve with scale [1]. Transformers do better [7].' });
    expect(await ask()).toEqual({ answer: null, reason: 'the reply cites [7], not among the sources shown' });
  });

  it('drops a slow answer at the timeout, before the server has replied', async () => {
    config.timeoutMs = 300;
    server.reply({ content: 'MLPs improve with scale [1].', delayMs: 5000 });
    const replied = server.replied();
    expect(await ask()).toEqual({ answer: null, reason: 'no answer within 0.3 s' });
    // The request was made, and given up on before the server answered it.
    expect(server.requests).toHaveLength(1);
    expect(server.replied()).toBe(replied);
  });

  it('waits no longer than a tighter bound from the caller (the time left on an interaction)', async () => {
    server.reply({ content: 'MLPs improve with scale [1].', delayMs: 5000 });
    expect(await ask(answered(), { timeoutMs: 200 })).toEqual({ answer: null, reason: 'no answer within 0.2 s' });
    expect(await ask(answered(), { timeoutMs: 0 })).toEqual({ answer: null, reason: 'no time left to ask' });
    expect(server.requests).toHaveLength(1);
  });

  it("drops the answer on HTTP 500, saying what the server said", async () => {
    server.reply({ status: 500, error: 'model "fake-model" not found' });
    expect(await ask()).toEqual({ answer: null, reason: 'the server answered HTTP 500: model "fake-model" not found' });
  });

  it('drops a garbage body, a body without a message, an oversized body and a reply cut at the token limit', async () => {
    server.reply(
      { raw: '<html>502 Bad Gateway</html>' },
      { raw: JSON.stringify({ choices: [] }) },
      { raw: JSON.stringify({ choices: [{ message: { content: 'x'.repeat(300 * 1024) } }] }) },
      { content: 'MLPs improve with', finishReason: 'length' },
    );
    expect(await ask()).toEqual({ answer: null, reason: 'the response is not JSON (28 bytes)' });
    expect(await ask()).toEqual({ answer: null, reason: 'the response has no choices[0].message.content' });
    expect(await ask()).toEqual({ answer: null, reason: 'the response is larger than 256 KiB' });
    expect(await ask()).toEqual({ answer: null, reason: 'the reply was cut at 512 tokens' });
  });

  it('drops the answer when the server cannot be reached', async () => {
    config.url = 'http://127.0.0.1:9/v1';
    expect((await ask())!).toMatchObject({ answer: null, reason: expect.stringMatching(/^could not reach the server: /) });
  });

  it('makes no request when no model is configured, or when there is no extractive answer to replace', async () => {
    expect(await requestGeneratedAnswer(undefined, answered(), { log: quietLogger() })).toBeUndefined();
    expect(await ask(askResult(3))).toBeUndefined();
    expect(await ask(askResult(3, { lowConfidence: true }))).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it('logs why an answer was dropped, and never the key', async () => {
    const { log, lines } = capturingLogger();
    server.reply({ status: 500, error: `bad key ${KEY.slice(0, 4)}` }, { content: 'MLPs improve with scale [2].' });
    await requestGeneratedAnswer(config, answered(), { log });
    await requestGeneratedAnswer(config, answered(), { log });
    const [dropped, accepted] = lines();
    expect(dropped).toMatchObject({ level: 40, url: server.url, model: 'fake-model', reason: expect.stringMatching(/^the server answered HTTP 500/) });
    expect(dropped!.msg).toMatch(/generated answer dropped, the extractive answer stays/);
    expect(accepted).toMatchObject({ level: 20, msg: 'generated answer accepted', cited: [2] });
    expect(JSON.stringify(lines())).not.toContain(KEY);
  });
});
