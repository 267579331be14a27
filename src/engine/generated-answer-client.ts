import type { AnswerLlmConfig } from '../config.js';
import type { Logger } from '../log.js';
import { readBoundedText } from '../util/bounded-body.js';
import { answerPrompt, answerSources, checkGeneratedAnswer, type Verdict } from './generated-answer.js';
import type { AskResult } from './results.js';

/** Far above a three-sentence answer's few kilobytes; a larger body is not an answer. */
const MAX_RESPONSE_BYTES = 256 * 1024;
/** Enough for three sentences, and for a reasoning model's short preamble; a longer reply is cut and dropped. */
const MAX_TOKENS = 512;

export interface GenerateOptions {
  log: Logger;
  /** A tighter bound than the configured timeout, such as the time left on a Discord interaction. */
  timeoutMs?: number;
}

/** A failure that becomes the reason an answer was dropped. */
class Dropped extends Error {}

/** What an OpenAI-compatible error body says, if it says anything: `{error: {message}}` or `{error: "…"}`. */
function serverMessage(body: string): string {
  try {
    const { error } = JSON.parse(body) as { error?: string | { message?: string } };
    const message = typeof error === 'string' ? error : error?.message;
    return message ? `: ${message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/** The reply's text, from `choices[0].message.content`; anything else is a malformed response. */
function replyText(body: string): string {
  let parsed: { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new Dropped(`the response is not JSON (${body.length} bytes)`);
  }
  const choice = parsed?.choices?.[0];
  if (typeof choice?.message?.content !== 'string') throw new Dropped('the response has no choices[0].message.content');
  if (choice.finish_reason === 'length') throw new Dropped(`the reply was cut at ${MAX_TOKENS} tokens`);
  return choice.message.content;
}

async function complete(config: AnswerLlmConfig, result: AskResult, timeoutMs: number): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'paperscout' };
  if (config.key) headers.authorization = `Bearer ${config.key}`;
  const body = JSON.stringify({
    model: config.model,
    messages: answerPrompt(result.query, answerSources(result)),
    temperature: 0,
    max_tokens: MAX_TOKENS,
    stream: false,
  });
  try {
    // The timeout covers the whole exchange, the body included. A redirect is refused: the key stays with this server.
    const response = await fetch(`${config.url}/chat/completions`, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    const text = await readBoundedText(response, MAX_RESPONSE_BYTES, () => new Dropped(`the response is larger than ${MAX_RESPONSE_BYTES / 1024} KiB`));
    if (!response.ok) throw new Dropped(`the server answered HTTP ${response.status}${serverMessage(text)}`);
    return replyText(text);
  } catch (error) {
    if (error instanceof Dropped) throw error;
    const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
    if (name === 'TimeoutError') throw new Dropped(`no answer within ${Number((timeoutMs / 1000).toFixed(1))} s`);
    throw new Dropped(`could not reach the server: ${cause?.code ?? cause?.message ?? message}`);
  }
}

/**
 * Asks the user's own model for an answer to a question already answered extractively, and checks it
 * (see checkGeneratedAnswer). One attempt, within the configured timeout or `timeoutMs` if tighter.
 * Undefined when nothing is asked: no model configured, or no extractive answer to replace (low
 * confidence, a later page). Never throws; a failure is a dropped answer with its reason, logged.
 */
export async function requestGeneratedAnswer(config: AnswerLlmConfig | undefined, result: AskResult, options: GenerateOptions): Promise<Verdict | undefined> {
  if (!config || !result.answer) return undefined;
  const timeoutMs = Math.max(0, Math.min(config.timeoutMs, options.timeoutMs ?? Infinity));
  const context = { url: config.url, model: config.model };
  const started = performance.now();
  let verdict: Verdict;
  try {
    if (timeoutMs === 0) throw new Dropped('no time left to ask');
    verdict = checkGeneratedAnswer(await complete(config, result, timeoutMs), answerSources(result));
  } catch (error) {
    verdict = { answer: null, reason: error instanceof Dropped ? error.message : `unexpected: ${(error as Error).message}` };
  }
  const ms = Math.round(performance.now() - started);
  if (verdict.answer) options.log.debug({ ...context, ms, cited: verdict.answer.citations.map((c) => c.rank) }, 'generated answer accepted');
  else options.log.warn({ ...context, ms, reason: verdict.reason }, `generated answer dropped, the extractive answer stays: ${verdict.reason}`);
  return verdict;
}
