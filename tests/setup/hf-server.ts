import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT } from './paths.js';

/** What the server does for one request instead of answering normally. */
export type Fault =
  | { status: number; retryAfter?: string; body?: string }
  | { malformed: true }
  | { hang: true }
  | { items: unknown[] }
  /** A 302 to `location` (absolute, or a path on this server). */
  | { redirect: string }
  /** A 200 whose JSON body never ends. */
  | { endless: true }
  /** A 200 declaring a Content-Length of `declaredBytes`, then silence. */
  | { declaredBytes: number };

export interface HfServer {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** Queues faults for requests whose date matches (or all, with '*'), used in order. */
  fault(date: string, ...faults: Fault[]): void;
  setDay(date: string, items: unknown[]): void;
  close(): Promise<void>;
}

export function fixtureDays(): Record<string, unknown[]> {
  const dir = `${ROOT}tests/fixtures/hf-daily`;
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.replace('.json', ''), JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as unknown[]]),
  );
}

/** `[` and then blank space for as long as the client reads, minding backpressure. */
function streamForever(res: ServerResponse): void {
  const chunk = ' '.repeat(64 * 1024);
  let open = true;
  res.on('close', () => (open = false));
  const pump = () => {
    while (open && res.write(chunk));
    if (open) res.once('drain', pump);
  };
  res.writeHead(200, { 'content-type': 'application/json' }).write('[');
  pump();
}

/** A local stand-in for huggingface.co's `GET /api/daily_papers` (date, limit, p), on 127.0.0.1. */
export async function startHfServer(days: Record<string, unknown[]> = fixtureDays(), port = 0): Promise<HfServer> {
  const data = { ...days };
  const faults = new Map<string, Fault[]>();
  const requests: string[] = [];
  const hung: ServerResponse[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    if (url.pathname !== '/api/daily_papers') {
      res.writeHead(404).end();
      return;
    }
    const date = url.searchParams.get('date') ?? '';
    const queue = faults.get(date)?.length ? faults.get(date)! : faults.get('*') ?? [];
    const fault = queue.shift();
    if (fault && 'hang' in fault) {
      hung.push(res);
      return;
    }
    if (fault && 'redirect' in fault) {
      res.writeHead(302, { location: fault.redirect }).end();
      return;
    }
    if (fault && 'endless' in fault) {
      streamForever(res);
      return;
    }
    if (fault && 'declaredBytes' in fault) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(fault.declaredBytes) }).write('[');
      hung.push(res);
      return;
    }
    if (fault && 'malformed' in fault) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[{"paper": {"id": "2503.0');
      return;
    }
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(fault.body ?? JSON.stringify({ error: `status ${fault.status}` }));
      return;
    }
    const all = fault && 'items' in fault ? fault.items : data[date] ?? [];
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const page = Number(url.searchParams.get('p') ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(all.slice(page * limit, (page + 1) * limit)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    fault(date, ...list) {
      faults.set(date, [...(faults.get(date) ?? []), ...list]);
    },
    setDay(date, items) {
      data[date] = items;
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
