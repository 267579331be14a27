import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The repositories citing one paper, by kind, as the Hub lists them. */
export type Citing = Partial<Record<'models' | 'datasets' | 'spaces', unknown[]>>;

/** What the server does for one request instead of answering normally. */
export type HubFault = { status: number } | { garbage: true } | { hang: true };

export interface HubServer {
  url: string;
  /** Every request's path and query, in order. */
  requests: string[];
  /** Queues faults for the next requests, used in order. */
  fault(...faults: HubFault[]): void;
  close(): Promise<void>;
}

/** A repository entry shaped like the Hub API's (`_id`, `id`, `likes`, `downloads`, `tags`, …). */
export function hubRepo(id: string, likes: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { _id: `6${id.length}`.padEnd(24, 'a'), id, likes, downloads: likes * 40, private: false, tags: ['arxiv:0000.00000'], createdAt: '2025-03-12T00:00:00.000Z', ...extra };
}

/** A local stand-in for the Hub's `GET /api/{models,datasets,spaces}?filter=arxiv:<id>`, on 127.0.0.1. */
export async function startHubServer(citing: Record<string, Citing>): Promise<HubServer> {
  const requests: string[] = [];
  const faults: HubFault[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const kind = /^\/api\/(models|datasets|spaces)$/.exec(url.pathname)?.[1] as keyof Citing | undefined;
    const id = url.searchParams.get('filter')?.replace(/^arxiv:/, '');
    if (!kind || !id) return void res.writeHead(404).end();
    const fault = faults.shift();
    if (fault && 'hang' in fault) return void hung.push(res);
    if (fault && 'garbage' in fault) return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
    if (fault && 'status' in fault) return void res.writeHead(fault.status, { 'content-type': 'application/json' }).end('{"error":"injected"}');
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify((citing[id]?.[kind] ?? []).slice(0, limit)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fault: (...list) => void faults.push(...list),
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
