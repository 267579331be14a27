import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import { writeFileAtomic } from '../util/atomic-write.js';
import { IndexLoadError } from '../errors.js';
import { Bm25Index } from '../search/bm25.js';
import { Catalog } from './catalog.js';
import { FORMAT_VERSION, fingerprintMismatch, manifestSchema, type FileEntry, type Manifest, type ModelFingerprint } from './manifest.js';
import { PaperStore } from './paper-store.js';
import { SentenceStore } from './sentence-store.js';
import { confineWrite } from '../util/paths.js';
import { IndexSnapshot } from './snapshot.js';

/**
 * On disk, an index is a set of generation folders and one manifest naming the live one:
 *   index/manifest.json          written last, atomically: the switch to a new generation
 *   index/gen-…/hnsw.bin         the HNSW graph (hnswlib)
 *   index/gen-…/papers.jsonl     paper records, one line per label ("null" for a removed paper)
 *   index/gen-…/sentences.bin    sentence vectors (see sentence-store.ts)
 *   index/gen-…/bm25.bin         the lexical index (see search/bm25.ts)
 *   index/gen-…/catalog.json     what stays in memory of each paper (see catalog.ts)
 * A generation is never changed once the manifest names it, so a crash mid-build leaves the last
 * good one in place.
 */
export const FILES = { index: 'hnsw.bin', papers: 'papers.jsonl', sentences: 'sentences.bin', lexical: 'bm25.bin', catalog: 'catalog.json' } as const;

/** Where a data dir keeps its index. */
export function indexDirIn(dataDir: string): string {
  return confineWrite(join(dataDir, 'index'), dataDir);
}

export function manifestPath(indexDir: string): string {
  return join(indexDir, 'manifest.json');
}

/** SHA-256 of a file, read in large chunks (several times faster than a stream for big files). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(4 << 20);
    for (let n; (n = (await file.read(chunk, 0, chunk.length, null)).bytesRead) > 0; ) hash.update(chunk.subarray(0, n));
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

export function readManifest(indexDir: string): Manifest {
  const path = manifestPath(indexDir);
  if (!existsSync(path)) throw new IndexLoadError('missing', `no index yet (${path} does not exist)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new IndexLoadError('corrupt', `${path} is corrupt: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const formatVersion = (json as { formatVersion?: unknown } | null)?.formatVersion;
    if (formatVersion !== undefined && formatVersion !== FORMAT_VERSION) {
      throw new IndexLoadError('mismatch', `${path} has format version ${String(formatVersion)}; this paperscout reads ${FORMAT_VERSION}`);
    }
    throw new IndexLoadError('corrupt', `${path} is not a valid manifest: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

async function verifyFile(dir: string, entry: FileEntry): Promise<void> {
  const path = join(dir, entry.name);
  if (!existsSync(path)) throw new IndexLoadError('corrupt', `${path} is missing`);
  if (statSync(path).size !== entry.bytes) {
    throw new IndexLoadError('corrupt', `${path} has ${statSync(path).size} bytes, the manifest says ${entry.bytes} (truncated or overwritten)`);
  }
  if ((await sha256File(path)) !== entry.sha256) {
    throw new IndexLoadError('corrupt', `${path} does not match its checksum in the manifest`);
  }
}

/**
 * Loads the live generation, refusing anything that does not verify: a missing or corrupt file, a
 * checksum mismatch, or an index built with another model. A writer in another process may commit
 * and sweep the generation while it is being read (see removeStaleGenerations); then the manifest
 * names a newer one, which is loaded instead.
 */
export async function loadGeneration(indexDir: string, model: ModelFingerprint, efSearch: number): Promise<IndexSnapshot> {
  for (let attempt = 1; ; attempt++) {
    const manifest = readManifest(indexDir);
    try {
      return await loadNamed(indexDir, manifest, model, efSearch);
    } catch (error) {
      const moved = attempt < 3 && existsSync(manifestPath(indexDir)) && readManifest(indexDir).generation !== manifest.generation;
      if (!moved) throw error;
    }
  }
}

async function loadNamed(indexDir: string, manifest: Manifest, model: ModelFingerprint, efSearch: number): Promise<IndexSnapshot> {
  const mismatch = fingerprintMismatch(manifest.model, model);
  if (mismatch) throw new IndexLoadError('mismatch', `the index was built with another model setup (${mismatch})`);
  const dir = join(indexDir, manifest.generation);
  for (const entry of Object.values(manifest.files)) await verifyFile(dir, entry);
  return openSnapshot(indexDir, manifest, efSearch);
}

/** Parts of a generation a build already holds in memory, so opening its snapshot need not read them again. */
export interface HeldParts {
  hnsw?: HierarchicalNSW;
  catalog?: Catalog;
  bm25?: Bm25Index;
}

/** Opens the snapshot of the generation a manifest names, checking that its graph and catalog agree with it. */
export async function openSnapshot(indexDir: string, manifest: Manifest, efSearch: number, held: HeldParts = {}): Promise<IndexSnapshot> {
  const dir = join(indexDir, manifest.generation);
  const path = (file: FileEntry) => join(dir, file.name);
  let { hnsw } = held;
  if (!hnsw) {
    hnsw = new hnswlib.HierarchicalNSW('cosine', manifest.model.dimension);
    await hnsw.readIndex(path(manifest.files.index));
  }
  if (hnsw.getCurrentCount() !== manifest.labels.length) {
    throw new IndexLoadError('corrupt', `${path(manifest.files.index)} holds ${hnsw.getCurrentCount()} vectors, the manifest ${manifest.labels.length}`);
  }
  const catalog = held.catalog ?? Catalog.parse(readFileSync(path(manifest.files.catalog), 'utf8'));
  if (catalog.size !== manifest.labels.length || manifest.labels.some((id, label) => catalog.id(label) !== id)) {
    throw new IndexLoadError('corrupt', `${path(manifest.files.catalog)} does not match the manifest's labels`);
  }
  const bm25 = held.bm25 ?? Bm25Index.deserialize(readFileSync(path(manifest.files.lexical)));
  const sentences = SentenceStore.open(path(manifest.files.sentences), manifest.model.dimension);
  let records;
  try {
    records = new PaperStore(path(manifest.files.papers), catalog);
  } catch (error) {
    sentences.close();
    throw error;
  }
  return new IndexSnapshot(manifest, dir, catalog, records, hnsw, sentences, bm25, efSearch);
}

export function newGenerationDir(indexDir: string): { generation: string; dir: string } {
  const generation = `gen-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = join(indexDir, generation);
  mkdirSync(dir, { recursive: true });
  return { generation, dir };
}

async function describeFile(dir: string, name: string): Promise<FileEntry> {
  const path = join(dir, name);
  return { name, bytes: statSync(path).size, sha256: await sha256File(path) };
}

/**
 * Makes a fully written generation the live one: checksums every file, then replaces the manifest
 * atomically. Older generations are removed afterwards (see removeStaleGenerations for why readers
 * holding them lose nothing). Called with the index lock held.
 */
export async function commitGeneration(
  indexDir: string,
  generation: string,
  meta: Omit<Manifest, 'formatVersion' | 'generation' | 'createdAt' | 'files'>,
): Promise<Manifest> {
  const dir = join(indexDir, generation);
  const manifest: Manifest = {
    formatVersion: FORMAT_VERSION,
    generation,
    createdAt: new Date().toISOString(),
    ...meta,
    files: {
      index: await describeFile(dir, FILES.index),
      papers: await describeFile(dir, FILES.papers),
      sentences: await describeFile(dir, FILES.sentences),
      lexical: await describeFile(dir, FILES.lexical),
      catalog: await describeFile(dir, FILES.catalog),
    },
  };
  await writeFileAtomic(manifestPath(indexDir), JSON.stringify(manifest));
  await removeStaleGenerations(indexDir, generation);
  return manifest;
}

/**
 * Deletes every generation folder but the live one, and temporary files, left over from crashed builds
 * or replaced by the commit that just happened. Under the index lock, so never a generation being built.
 *
 * Why readers in any process lose nothing: a snapshot keeps the graph, catalog and lexical index in
 * memory, and holds papers.jsonl and sentences.bin open from the moment it is opened; on POSIX an open
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
