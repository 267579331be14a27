import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFeedConfig } from '../../src/config.js';
import { HUB_QUIET_MS, ResourceFinder } from '../../src/engine/resources.js';
import { HUB_LIST_LIMIT } from '../../src/feed/hub-client.js';
import { capturingLogger, tempDir } from '../setup/engine.js';
import { runCli } from '../setup/cli.js';
import { hubRepo, startHubServer, type HubServer } from '../setup/hub-server.js';

const PAPER = '2503.08638';
const citing = {
  [PAPER]: {
    models: [hubRepo('m-a-p/YuE-s1-7B', 300), hubRepo('m-a-p/YuE-upsampler', 90), { id: 'not a repo id!' }, { likes: 3 }],
    datasets: [hubRepo('m-a-p/YuE-data', 12)],
    spaces: [hubRepo('fffiloni/YuE', 150, { sdk: 'gradio' })],
  },
  '2401.00001': { models: Array.from({ length: 80 }, (_, i) => hubRepo(`org/model-${i}`, i)) },
};

let hub: HubServer | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

function finder(baseUrl: string, clock = { now: Date.parse('2025-03-12T10:00:00Z') }, env: Record<string, string> = {}) {
  const dataDir = tempDir();
  const config = loadFeedConfig({ HF_HUB_API_BASE: baseUrl, HF_HUB_TIMEOUT_SECONDS: '1', ...env }).hub;
  const capture = capturingLogger('warn');
  return { dataDir, clock, capture, finder: new ResourceFinder(config, dataDir, capture.log, () => clock.now) };
}

describe('the models, datasets and Spaces citing a paper', () => {
  it('asks the Hub for each kind, most liked first, skipping malformed entries, and stores the answer', async () => {
    hub = await startHubServer(citing);
    const { finder: f, dataDir } = finder(hub.url);
    const found = await f.find(PAPER);
    expect(found).toMatchObject({ status: 'found', stale: false });
    if (found.status !== 'found') throw new Error('not found');
    expect(found.resources.models.map((m) => m.id)).toEqual(['m-a-p/YuE-s1-7B', 'm-a-p/YuE-upsampler']);
    expect(found.resources.models[0]).toEqual({ id: 'm-a-p/YuE-s1-7B', likes: 300, downloads: 12_000 });
    expect(found.resources.spaces).toEqual([{ id: 'fffiloni/YuE', likes: 150, downloads: 6000 }]);
    expect(hub.requests.sort()).toEqual(
      ['datasets', 'models', 'spaces'].map((kind) => `/api/${kind}?filter=arxiv%3A${PAPER}&sort=likes&direction=-1&limit=${HUB_LIST_LIMIT}`),
    );
    expect(readdirSync(join(dataDir, 'hub'))).toEqual([`${PAPER}.json`]);
  });

  it('never asks the Hub with HF_HUB_OFFLINE, and shows what data/hub/ holds, however old', async () => {
    hub = await startHubServer(citing);
    const online = finder(hub.url);
    await online.finder.find(PAPER);
    const asked = hub.requests.length;
    const config = loadFeedConfig({ HF_HUB_API_BASE: hub.url, HF_HUB_OFFLINE: '1' }).hub;
    const offline = new ResourceFinder(config, online.dataDir, online.capture.log, () => Date.parse('2026-03-12T10:00:00Z'));
    expect(await offline.find(PAPER)).toMatchObject({ status: 'found', stale: true });
    expect(await offline.find('2401.00001')).toEqual({ status: 'unavailable', reason: 'HF_HUB_OFFLINE is set, so the Hugging Face Hub is not asked' });
    expect(hub.requests).toHaveLength(asked);
  });

  it('answers from data/hub/ until the lists expire, then asks again', async () => {
    hub = await startHubServer(citing);
    const { finder: f, clock } = finder(hub.url, undefined, { HF_HUB_CACHE_HOURS: '24' });
    await f.find(PAPER);
    expect(f.fresh(PAPER)?.resources.datasets).toHaveLength(1);
    clock.now += 23 * 3_600_000;
    await f.find(PAPER);
    expect(hub.requests).toHaveLength(3);
    clock.now += 2 * 3_600_000;
    expect(f.fresh(PAPER)).toBeUndefined();
    await f.find(PAPER);
    expect(hub.requests).toHaveLength(6);
  });

  it('keeps at most the page limit of each kind', async () => {
    hub = await startHubServer(citing);
    const found = await finder(hub.url).finder.find('2401.00001');
    expect(found.status === 'found' && found.resources.models.length).toBe(HUB_LIST_LIMIT);
  });

  it('says the Hub is unavailable when nothing listens, quickly, and leaves it alone for a while', async () => {
    const { finder: f, clock, capture } = finder('http://127.0.0.1:9');
    const started = Date.now();
    const found = await f.find(PAPER);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(found).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/could not be reached \(network error/) });
    expect(capture.lines().some((l) => String(l.msg).startsWith('the Hugging Face Hub could not be asked'))).toBe(true);
    expect(await f.find(PAPER)).toMatchObject({ status: 'unavailable', reason: 'the Hugging Face Hub did not answer a moment ago' });
    clock.now += HUB_QUIET_MS;
    expect(await f.find(PAPER)).toMatchObject({ reason: expect.stringMatching(/network error/) });
  });

  it.each([
    ['a 500, twice', { status: 500 }, /HTTP 500/],
    ['garbage', { garbage: true as const }, /malformed JSON/],
    ['a Hub that never answers', { hang: true as const }, /timed out after 1000 ms/],
  ])('treats %s as unavailable, within its bounded waits', async (_name, fault, reason) => {
    hub = await startHubServer(citing);
    // Both attempts of each of the three lists.
    hub.fault(...Array.from({ length: 6 }, () => fault));
    const { finder: f, dataDir } = finder(hub.url);
    const started = Date.now();
    expect(await f.find(PAPER)).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(reason) });
    // Two attempts of at most 1 s each and a backoff of at most 0.5 s.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(existsSync(join(dataDir, 'hub'))).toBe(false);
  });

  it('retries one failed attempt and then succeeds', async () => {
    hub = await startHubServer(citing);
    hub.fault({ status: 503 });
    expect(await finder(hub.url).finder.find(PAPER)).toMatchObject({ status: 'found' });
    expect(hub.requests).toHaveLength(4);
  });

  it('shows expired lists, marked stale, when the Hub does not answer', async () => {
    hub = await startHubServer(citing);
    const { finder: f, clock } = finder(hub.url);
    await f.find(PAPER);
    clock.now += 48 * 3_600_000;
    hub.fault({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    expect(await f.find(PAPER)).toMatchObject({ status: 'found', stale: true, fetchedAt: new Date('2025-03-12T10:00:00Z') });
  });

  it('ignores a corrupt stored file and asks again', async () => {
    hub = await startHubServer(citing);
    const { finder: f, dataDir } = finder(hub.url);
    await f.find(PAPER);
    writeFileSync(join(dataDir, 'hub', `${PAPER}.json`), '{"version":1,"fetchedAt":');
    expect(f.fresh(PAPER)).toBeUndefined();
    expect(await f.find(PAPER)).toMatchObject({ status: 'found' });
    expect(hub.requests).toHaveLength(6);
  });

  it('shares one fetch between concurrent lookups of a paper', async () => {
    hub = await startHubServer(citing);
    const { finder: f } = finder(hub.url);
    await Promise.all([f.find(PAPER), f.find(PAPER), f.find(PAPER)]);
    expect(hub.requests).toHaveLength(3);
  });
});

describe('paperscout paper', () => {
  const SCALING_MLPS = '2306.13575';

  it('lists the Hub repositories citing the paper, and all of them in --json', async () => {
    hub = await startHubServer({ [SCALING_MLPS]: { models: [hubRepo('gregor/scaling-mlps', 9)], spaces: [hubRepo('gregor/mlp-demo', 2)] } });
    const human = await runCli(['paper', SCALING_MLPS], { env: { HF_HUB_API_BASE: hub.url } });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(
      'On the Hugging Face Hub:\n  models (1):\n    gregor/scaling-mlps ♥ 9  https://huggingface.co/gregor/scaling-mlps\n  spaces (1):\n    gregor/mlp-demo ♥ 2  https://huggingface.co/spaces/gregor/mlp-demo',
    );
    const json = await runCli(['paper', SCALING_MLPS, '--json'], { env: { HF_HUB_API_BASE: hub.url } });
    expect(JSON.parse(json.stdout).resources).toEqual({ models: [{ id: 'gregor/scaling-mlps', likes: 9, downloads: 360 }], datasets: [], spaces: [{ id: 'gregor/mlp-demo', likes: 2, downloads: 80 }] });
  });

  it('still shows the paper when the Hub is unreachable, saying so in one line on stderr', async () => {
    const run = await runCli(['paper', SCALING_MLPS], { env: { HF_HUB_TIMEOUT_SECONDS: '1' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Scaling MLPs: A Tale of Inductive Bias');
    expect(run.stdout).not.toContain('On the Hugging Face Hub');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^paperscout: the Hugging Face Hub could not be reached \(network error.*\); models, datasets and Spaces not shown$/)]);
  });
});
