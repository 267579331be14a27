import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../src/embedding/embedder.js';
import { onnxFileName } from '../../src/embedding/models.js';
import { SINGLE_TEXT_MODEL } from '../../src/embedding/single-text-file.js';
import { embedderOptions, tempDir, testConfig } from '../setup/engine.js';
import { MODELS } from '../setup/paths.js';

const config = testConfig(tempDir());

/** A stand-in for the Hugging Face hub: serves `<model>/resolve/main/<file>` from the provisioned models. */
function hub(): Promise<{ server: Server; url: string; requested: string[] }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://hub').pathname);
    requested.push(path);
    const match = /^\/(.+?\/.+?)\/resolve\/main\/(.+)$/.exec(path);
    const file = match && join(MODELS, match[1]!, match[2]!);
    if (!file || !existsSync(file)) return void response.writeHead(404).end('Entry not found');
    response.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requested })));
}

describe('a model downloaded from the hub (HF_ENDPOINT)', () => {
  let served: Awaited<ReturnType<typeof hub>>;
  let provisioned: TransformersEmbedder;

  beforeAll(async () => {
    served = await hub();
    provisioned = await TransformersEmbedder.load(embedderOptions({}));
  });
  afterAll(async () => {
    await provisioned?.dispose();
    await new Promise((resolve) => served?.server.close(resolve));
  });

  it('downloads into the hub cache, derives its single-text graph on that first load, and embeds as the provisioned model', async () => {
    const modelsDir = tempDir();
    const downloads: string[] = [];
    const embedder = await TransformersEmbedder.load(embedderOptions({ modelsDir, offline: false, modelHub: served.url, onDownload: (file) => downloads.push(file) }));
    try {
      const weights = `onnx/${onnxFileName(config.dtype)}`;
      expect(served.requested).toContain(`/${config.model.id}/resolve/main/${weights}`);
      expect(existsSync(join(modelsDir, 'hub-cache', config.model.id, weights))).toBe(true);
      expect(downloads).toContain(weights);
      expect(embedder.singleTextGraph).toBe(true);
      expect(existsSync(join(modelsDir, config.model.id, 'onnx', onnxFileName(config.dtype, SINGLE_TEXT_MODEL)))).toBe(true);
      const question = 'how do MLPs scale on vision tasks?';
      expect(Array.from(await embedder.embedQuery(question))).toEqual(Array.from(await provisioned.embedQuery(question)));
    } finally {
      await embedder.dispose();
    }
  });
});
