import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HierarchicalNSW } from 'hnswlib-node';
import { writeFileAtomic } from '../util/atomic-write.js';
import { IndexLoadError } from '../errors.js';
import { Bm25Index, Bm25Segment } from '../search/bm25.js';
import { Catalog } from './catalog.js';
import { checkFile, verifyFile } from './file-check.js';
import {
  FORMAT_VERSION,
  fingerprintMismatch,
  generationFiles,
  manifestChecksum,
  manifestSchema,
  type FileEntry,
  type Manifest,
  type ModelFingerprint,
} from './manifest.js';
import { GraphSet } from './graph-set.js';
import { PaperStore } from './paper-store.js';
import { SentenceStore } from './sentence-store.js';
import { confineWrite } from '../util/paths.js';
import { IndexSnapshot } from './snapshot.js';

/**
 * On disk, an index is a set of generation folders and one manifest naming the live one:
 *   index/manifest.json               written last, atomically: the switch to a new generation
 *   index/gen-…/catalog.bin           what stays in memory of each paper (see catalog.ts), written whole
 *   index/gen-…/papers-N.jsonl        paper records, one JSON line each (see paper-store.ts)
 *   index/gen-…/sentences-N.bin       sentence vectors of a range of labels (see sentence-store.ts)
 *   index/gen-…/bm25-N.bin            BM25 postings of a range of labels (see search/bm25.ts)
 *   index/gen-…/graph-N.bin           the HNSW graph (hnswlib) of a range of labels (see graph-segments.ts)
 * The numbered files are append-only segments: a new generation hard-links the previous one's
 * segments into its own folder and writes segments only for what changed. A file is never changed
 * once written, so a crash mid-build leaves the last good generation in place.
 */
export const FILES = { catalog: 'catalog.bin' } as const;

/** Where a data dir keeps its index. */
export function indexDirIn(dataDir: string): string {
  return confineWrite(join(dataDir, 'index'), dataDir);
}

export function manifestPath(indexDir: string): string {
  return join(indexDir, 'manifest.json');
}

/** Reads and checks the manifest: its shape, its format version and its own checksum (a torn or edited one is refused). */
export function readManifest(indexDir: string): Manifest {
  const path = manifestPath(indexDir);
  if (!existsSync(path)) throw new IndexLoadError('missing', `no index yet (${path} does not exist)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new IndexLoadError('corrupt', `${path} is corrupt: ${(error as Error).message}`);
  }
  const formatVersion = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (formatVersion !== undefined && formatVersion !== FORMAT_VERSION) {
    throw new IndexLoadError('mismatch', `${path} has format version ${String(formatVersion)}; this paperscout reads ${FORMAT_VERSION}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new IndexLoadError('corrupt', `${path} is not a valid manifest: ${parsed.error.issues[0]?.message}`);
  if (manifestChecksum(parsed.data) !== parsed.data.checksum) throw new IndexLoadError('corrupt', `${path} does not match its own checksum (torn or edited)`);
  return parsed.data;
}

/** The catalog of the generation a manifest names. */
export function readCatalog(indexDir: string, manifest: Manifest): Catalog {
  const path = join(indexDir, manifest.generation, manifest.files.catalog.name);
  try {
    return Catalog.parse(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexLoadError('corrupt', `${path} is missing`);
    throw new IndexLoadError('corrupt', `${path}: ${(error as Error).message}`);
  }
}

/** Every byte of every file of a generation against the checksums taken when they were written (index status). */
export async function verifyGeneration(indexDir: string, manifest: Manifest): Promise<string[]> {
  const broken: string[] = [];
  for (const entry of generationFiles(manifest)) {
    try {
      await verifyFile(join(indexDir, manifest.generation), entry);
    } catch (error) {
      if (!(error instanceof IndexLoadError)) throw error;
      broken.push(entry.name);
    }
  }
  return broken;
}

/** What loading a generation may take from elsewhere. */
export interface LoadOptions {
  /** A snapshot the caller holds: it lends the graphs and BM25 segments the two share. */
  earlier?: IndexSnapshot;
  /** Read the graphs on first use (see GraphSetOptions.lazy). Default false. */
  lazyGraphs?: boolean;
}

/**
 * Loads the live generation, refusing anything that does not check out: a missing, truncated or
 * swapped file, a torn manifest, or an index built with another model (see checkFile for what the
 * check on open covers). A writer in another process may commit and sweep the generation while it
 * is being read (see removeStaleGenerations); then the manifest names a newer one, which is loaded instead.
 */
export async function loadGeneration(indexDir: string, model: ModelFingerprint, efSearch: number, options: LoadOptions = {}): Promise<IndexSnapshot> {
  for (let attempt = 1; ; attempt++) {
    const manifest = readManifest(indexDir);
    try {
      return await loadNamed(indexDir, manifest, model, efSearch, options);
    } catch (error) {
      const moved = attempt < 3 && existsSync(manifestPath(indexDir)) && readManifest(indexDir).generation !== manifest.generation;
      if (!moved) throw error;
    }
  }
}

/**
 * What of an earlier snapshot a manifest lists unchanged (same file name, same checksum): a
 * generation built on it links those files, so they need not be read and parsed again.
 */
function kept<T>(before: readonly FileEntry[] | undefined, now: readonly FileEntry[], parts: ReadonlyMap<string, T> | undefined): Map<string, T> {
  const found = new Map<string, T>();
  const sums = new Map(before?.map((entry) => [entry.name, entry.sha256]));
  for (const entry of now) {
    const part = parts?.get(entry.name);
    if (part && sums.get(entry.name) === entry.sha256) found.set(entry.name, part);
  }
  return found;
}

async function loadNamed(indexDir: string, manifest: Manifest, model: ModelFingerprint, efSearch: number, { earlier, lazyGraphs }: LoadOptions): Promise<IndexSnapshot> {
  const mismatch = fingerprintMismatch(manifest.model, model);
  if (mismatch) throw new IndexLoadError('mismatch', `the index was built with another model setup (${mismatch})`);
  const dir = join(indexDir, manifest.generation);
  for (const entry of generationFiles(manifest)) checkFile(dir, entry);
  const before = earlier?.manifest.segments;
  return openSnapshot(indexDir, manifest, efSearch, {
    lexical: kept(before?.lexical, manifest.segments.lexical, earlier?.lexical),
    graphs: kept(before?.graphs, manifest.segments.graphs, earlier?.graphs.held()),
    lazyGraphs,
  });
}

/** Parts of a generation a build already holds in memory, so opening its snapshot need not read them again. */
export interface HeldParts {
  /** Graph segments by file name. */
  graphs?: ReadonlyMap<string, HierarchicalNSW>;
  catalog?: Catalog;
  /** BM25 segments by file name. */
  lexical?: ReadonlyMap<string, Bm25Segment>;
  /** See LoadOptions.lazyGraphs. */
  lazyGraphs?: boolean;
}

/** Opens the snapshot of the generation a manifest names, checking that its graphs and catalog agree with it. */
export async function openSnapshot(indexDir: string, manifest: Manifest, efSearch: number, held: HeldParts = {}): Promise<IndexSnapshot> {
  const dir = join(indexDir, manifest.generation);
  const catalog = held.catalog ?? readCatalog(indexDir, manifest);
  // The graphs, the largest files, are read on libuv's thread pool while this thread reads the rest.
  const isLive = (label: number) => catalog.isLive(label);
  const options = { dimension: manifest.model.dimension, efSearch, isLive, held: held.graphs, lazy: held.lazyGraphs };
  const opening = GraphSet.open(dir, manifest.segments.graphs, options);
  try {
    return await openParts(dir, manifest, catalog, opening, held.lexical);
  } catch (error) {
    void opening.then((graphs) => graphs.close(), () => {});
    throw error;
  }
}

async function openParts(dir: string, manifest: Manifest, catalog: Catalog, opening: Promise<GraphSet>, heldLexical: HeldParts['lexical']): Promise<IndexSnapshot> {
  const path = (file: FileEntry) => join(dir, file.name);
  let live = 0;
  for (let label = 0; label < catalog.size; label++) if (catalog.isLive(label)) live++;
  if (catalog.size !== manifest.labels || live !== manifest.count) {
    throw new IndexLoadError('corrupt', `${path(manifest.files.catalog)} holds ${catalog.size} labels (${live} live), the manifest ${manifest.labels} (${manifest.count})`);
  }
  const lexical = new Map<string, Bm25Segment>();
  for (const entry of manifest.segments.lexical) {
    try {
      lexical.set(entry.name, heldLexical?.get(entry.name) ?? Bm25Segment.deserialize(readFileSync(path(entry))));
    } catch (error) {
      throw new IndexLoadError('corrupt', `${path(entry)}: ${(error as Error).message}`);
    }
  }
  const bm25 = new Bm25Index([...lexical.values()], catalog.size, (label) => catalog.isLive(label));
  const labelById = catalog.labelsById();
  const sentences = SentenceStore.open(dir, manifest.segments.sentences, manifest.model.dimension);
  let records: PaperStore | undefined;
  try {
    records = new PaperStore(dir, manifest.segments.papers, catalog);
    const graphs = await opening;
    return new IndexSnapshot(manifest, dir, { catalog, labelById, records, graphs, sentences, bm25, lexical });
  } catch (error) {
    records?.close();
    sentences.close();
    throw error;
  }
}

export function newGenerationDir(indexDir: string): { generation: string; dir: string } {
  const generation = `gen-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = join(indexDir, generation);
  mkdirSync(dir, { recursive: true });
  return { generation, dir };
}

/** Links a file of the previous generation into the new one (a copy where links are not possible). */
export function linkInto(fromDir: string, toDir: string, name: string): void {
  try {
    linkSync(join(fromDir, name), join(toDir, name));
  } catch {
    copyFileSync(join(fromDir, name), join(toDir, name));
  }
}

/**
 * Makes a fully written generation the live one by replacing the manifest atomically; every file's
 * entry (with its checksum, taken as it was written) comes from the build. Older generations are
 * removed afterwards (see removeStaleGenerations for why readers holding them lose nothing).
 * Called with the index lock held.
 */
export async function commitGeneration(
  indexDir: string,
  generation: string,
  meta: Omit<Manifest, 'formatVersion' | 'generation' | 'createdAt' | 'checksum'>,
): Promise<Manifest> {
  const unsigned = { formatVersion: FORMAT_VERSION, generation, createdAt: new Date().toISOString(), ...meta } as const;
  const manifest: Manifest = { ...unsigned, checksum: manifestChecksum(unsigned) };
  await writeFileAtomic(manifestPath(indexDir), JSON.stringify(manifest));
  await removeStaleGenerations(indexDir, generation);
  return manifest;
}

/**
 * Deletes every generation folder but the live one, and temporary files, left over from crashed builds
 * or replaced by the commit that just happened. Under the index lock, so never a generation being built.
 *
 * Why readers in any process lose nothing: a snapshot keeps the graph, catalog and lexical index in
 * memory, and holds its papers and sentence segments open from the moment it is opened; on POSIX an open
 * file stays readable after it is unlinked, until it is closed. What a sweep does take away is a path
 * opened later, which two things do: loading a generation (loadGeneration, which then loads the newer
 * one the manifest names) and a build reading the previous graph to update it (build-from-sources.ts,
 * which re-reads the live generation once it holds the lock, so it never builds on a swept one).
 */
export async function removeStaleGenerations(indexDir: string, live: string): Promise<void> {
  for (const name of readdirSync(indexDir)) {
    const stale = (name.startsWith('gen-') && name !== live) || /^manifest\.json\..+/.test(name);
    if (stale) await rm(join(indexDir, name), { recursive: true, force: true });
  }
}
