import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers the next request. */
export type LlmReply =
  /** A chat completion whose message is `content`, after `delayMs` or once `held` settles, if given. */
  | { content: string; delayMs?: number; held?: Promise<void>; finishReason?: string }
  /** An HTTP error with a JSON body. */
  | { status: number; error?: string }
  /** A 200 whose body is `body`, as is. */
  | { raw: string };

export interface LlmRequest {
  path: string;
  authorization?: string;
  body: { model?: string; messages?: { role: string; content: string }[]; [key: string]: unknown };
}

export interface LlmServer {
  /** The base URL, as ANSWER_LLM_URL takes it: `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: LlmRequest[];
  /** Responses written so far, delayed ones once they are sent. */
  replied(): number;
  /** Queues replies, used in order; with none queued the fake says "no reply queued" with HTTP 500. */
  reply(...replies: LlmReply[]): void;
  close(): Promise<void>;
}

/** A small OpenAI-compatible chat-completions server on 127.0.0.1, answering what a test queues. */
export async function startLlmServer(): Promise<LlmServer> {
  const queue: LlmReply[] = [];
  const requests: LlmRequest[] = [];
  const open = new Set<ServerResponse>();
  let replied = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as LlmRequest['body'] });
      const reply = queue.shift() ?? { status: 500, error: 'no reply queued' };
      const json = (status: number, body: unknown) => {
        replied++;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(404, { error: `no route ${req.method} ${req.url}` });
      if ('raw' in reply) {
        replied++;
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(reply.raw);
      }
      if ('status' in reply) return json(reply.status, { error: { message: reply.error ?? 'fake failure' } });
      open.add(res);
      const send = () => {
        open.delete(res);
        if (res.destroyed) return;
        json(200, {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: reply.finishReason ?? 'stop' }],
        });
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else if (reply.held) void reply.held.then(send);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    replied: () => replied,
    reply: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
