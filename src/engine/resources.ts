import type { HubConfig } from '../config.js';
import { readCachedResources, writeCachedResources } from '../feed/hub-cache.js';
import { fetchHubResources, hubHttpOptions, type HubResources } from '../feed/hub-client.js';
import type { Logger } from '../log.js';

/** After a failed lookup the Hub is left alone this long, so an outage costs one wait, not one per reply. */
export const HUB_QUIET_MS = 60_000;

/** What is known of the Hub repositories citing a paper. */
export type ResourcesLookup =
  | { status: 'found'; resources: HubResources; fetchedAt: Date; /** Past the cache's expiry, shown because the Hub did not answer. */ stale: boolean }
  | { status: 'unavailable'; reason: string };

export type FoundResources = Extract<ResourcesLookup, { status: 'found' }>;

/**
 * The models, datasets and Spaces citing a paper: from `data/hub/` while fresh, else from the Hub
 * (through the retrying client, with bounded waits; never with HF_HUB_OFFLINE), else whatever is
 * stored, however old. Never throws.
 */
export class ResourceFinder {
  private quietUntil = 0;
  private readonly inFlight = new Map<string, Promise<ResourcesLookup>>();

  constructor(
    private readonly hub: HubConfig,
    private readonly dataDir: string,
    private readonly log?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored lists while fresh, at once and without the network (undefined when none are). */
  fresh(arxivId: string): FoundResources | undefined {
    const cached = readCachedResources(this.dataDir, arxivId);
    if (!cached || this.now() - cached.fetchedAt.getTime() >= this.hub.cacheMs) return undefined;
    return { status: 'found', ...cached, stale: false };
  }

  /** Fresh stored lists, else the Hub's answer; concurrent lookups of one paper share one fetch. */
  find(arxivId: string): Promise<ResourcesLookup> {
    const fresh = this.fresh(arxivId);
    if (fresh) return Promise.resolve(fresh);
    const pending = this.inFlight.get(arxivId) ?? this.fetch(arxivId).finally(() => this.inFlight.delete(arxivId));
    this.inFlight.set(arxivId, pending);
    return pending;
  }

  private async fetch(arxivId: string): Promise<ResourcesLookup> {
    const fallback = (reason: string): ResourcesLookup => {
      const stored = readCachedResources(this.dataDir, arxivId);
      return stored ? { status: 'found', ...stored, stale: true } : { status: 'unavailable', reason };
    };
    if (this.hub.offline) return fallback('HF_HUB_OFFLINE is set, so the Hugging Face Hub is not asked');
    if (this.now() < this.quietUntil) return fallback('the Hugging Face Hub did not answer a moment ago');
    try {
      const resources = await fetchHubResources(arxivId, hubHttpOptions(this.hub, this.log));
      const fetchedAt = new Date(this.now());
      await writeCachedResources(this.dataDir, arxivId, { fetchedAt, resources }).catch((error: unknown) => {
        this.log?.warn({ arxivId, err: (error as Error).message }, 'could not store the Hub lists of a paper');
      });
      return { status: 'found', resources, fetchedAt, stale: false };
    } catch (error) {
      this.quietUntil = this.now() + HUB_QUIET_MS;
      const reason = (error as Error).message;
      this.log?.warn({ arxivId, reason }, 'the Hugging Face Hub could not be asked; the paper is shown without its models, datasets and Spaces');
      return fallback(`the Hugging Face Hub could not be reached (${reason})`);
    }
  }
}
