import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { edgesOf } from './file-check.js';
import type { Span } from '../text/sentences.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Embeddings already computed, by (model, key): a passage's vector under its text hash, a sentence's
 * under sentenceKey, so that re-indexing an unchanged paper costs
 * nothing. Each batch of new vectors is one immutable segment file, written atomically:
 *   "PSEC" | version u32 | dimension u32 | rows u32 | sha256(body) 32 bytes | body
 *   body = rows × 16-byte text hash (sorted), then rows × dimension float32, in the same order
 * A segment's checksum is verified once, when it is written or first found; `verified.json` then
 * records its size, modification time and the hash of its first and last bytes, and later opens
 * check only those, in time that does not grow with the cache (see file-check.ts for what that catches).
 */
const MAGIC = 'PSEC';
const VERSION = 2;
const HEADER_BYTES = 4 + 4 + 4 + 4 + 32;
const HASH_BYTES = 16;
const MAX_SEGMENTS = 16;
const VERIFIED = 'verified.json';

/** What is recorded of a segment whose checksum was verified. */
interface Stamp {
  bytes: number;
  mtimeMs: number;
  edges: string;
}

function stampOf(path: string): Stamp {
  const { size, mtimeMs } = statSync(path);
  return { bytes: size, mtimeMs, edges: edgesOf(path, size) };
}

const sameStamp = (a: Stamp | undefined, b: Stamp) => a !== undefined && a.bytes === b.bytes && a.mtimeMs === b.mtimeMs && a.edges === b.edges;

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_BYTES * 2);
}

/**
 * The key of a sentence's vector: pooled from its passage's own forward pass, it depends on the whole
 * passage (by its hash) and on where the sentence lies in the abstract, not on its text alone.
 */
export function sentenceKey(contentHash: string, span: Span): string {
  return textHash(`${contentHash}:${span.start}-${span.end}`);
}

interface Segment {
  path: string;
  fd: number;
  rows: number;
  /** The segment's text hashes, sorted, 16 bytes each: found by binary search, no per-entry objects. */
  hashes: Buffer;
  vectorsOffset: number;
}

function bodyChecksum(fd: number, bodyBytes: number): Buffer {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(Math.min(bodyBytes, 8 << 20));
  for (let offset = 0; offset < bodyBytes; offset += chunk.length) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, bodyBytes - offset), HEADER_BYTES + offset);
    hash.update(chunk.subarray(0, n));
  }
  return hash.digest();
}

function readVerified(dir: string): Map<string, Stamp> {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(join(dir, VERIFIED), 'utf8')) as Record<string, Stamp>));
  } catch {
    return new Map(); // none yet, or unreadable: every segment is verified in full once more
  }
}

/** Best effort: without the record, the next open verifies those segments in full again. */
function writeVerified(dir: string, verified: ReadonlyMap<string, Stamp>): void {
  const path = join(dir, VERIFIED);
  const temporary = `${path}.${process.pid}`;
  try {
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(verified)));
    renameSync(temporary, path);
  } catch {
    rmSync(temporary, { force: true });
  }
}

function findRow(segment: Segment, key: Buffer): number {
  let low = 0;
  let high = segment.rows - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = segment.hashes.compare(key, 0, HASH_BYTES, mid * HASH_BYTES, (mid + 1) * HASH_BYTES);
    if (order === 0) return mid;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

export class EmbeddingCache {
  /** Newest first, so a lookup usually ends in the first segment it tries. */
  private readonly segments: Segment[] = [];
  /** Segment files that failed verification and were discarded. */
  readonly discarded: string[] = [];
  /** Stamps of the segments whose checksum was verified, by file name. */
  private verified = new Map<string, Stamp>();

  private constructor(
    readonly dir: string,
    readonly dimension: number,
  ) {}

  /** Opens the cache for one model; corrupt or foreign segments are discarded, never trusted. */
  static open(dir: string, dimension: number): EmbeddingCache {
    mkdirSync(dir, { recursive: true });
    const cache = new EmbeddingCache(dir, dimension);
    for (const name of readdirSync(dir)) if (name.startsWith(`${VERIFIED}.`)) rmSync(join(dir, name), { force: true }); // a crash's leftover
    const known = readVerified(dir);
    for (const name of readdirSync(dir).filter((n) => /^seg-\d+\.bin$/.test(n)).sort().reverse()) {
      const path = join(dir, name);
      const stamp = stampOf(path);
      const segment = cache.verify(path, !sameStamp(known.get(name), stamp));
      if (segment) {
        cache.segments.push(segment);
        cache.verified.set(name, stamp);
      } else {
        cache.discarded.push(path);
        rmSync(path, { force: true });
      }
    }
    const unchanged = known.size === cache.verified.size && [...cache.verified].every(([name, stamp]) => sameStamp(known.get(name), stamp));
    if (!unchanged) writeVerified(dir, cache.verified);
    return cache;
  }

  /** Vectors stored (a hash stored in two segments counts twice, which compaction undoes). */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.rows, 0);
  }

  has(hash: string): boolean {
    return this.locate(hash) !== undefined;
  }

  get(hash: string): Float32Array | undefined {
    const location = this.locate(hash);
    if (!location) return undefined;
    const vector = new Float32Array(this.dimension);
    readSync(location.segment.fd, vector, 0, vector.byteLength, location.segment.vectorsOffset + location.row * vector.byteLength);
    return vector;
  }

  /** Stores new vectors as one segment; merges all segments into one once there are too many. */
  async add(entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    const fresh = new Map([...entries].filter(([hash]) => !this.has(hash)));
    if (!fresh.size) return;
    const compact = this.segments.length >= MAX_SEGMENTS;
    if (compact) {
      for (const segment of this.segments) {
        for (let row = 0; row < segment.rows; row++) {
          const hash = segment.hashes.toString('hex', row * HASH_BYTES, (row + 1) * HASH_BYTES);
          if (!fresh.has(hash)) fresh.set(hash, this.get(hash)!);
        }
      }
    }
    const name = this.nextSegmentName();
    await this.write(fresh, name);
    if (compact) {
      for (const segment of this.segments) this.verified.delete(basename(segment.path));
      this.close(true);
    }
    // Its checksum was computed from the very bytes written, so it is not read back to check it.
    this.segments.unshift(this.verify(join(this.dir, name), false)!);
    this.verified.set(name, stampOf(join(this.dir, name)));
    writeVerified(this.dir, this.verified);
  }

  /** Closes every segment; safe to call more than once. */
  close(removeFiles = false): void {
    for (const segment of this.segments.splice(0)) {
      closeSync(segment.fd);
      if (removeFiles) rmSync(segment.path, { force: true });
    }
  }

  private locate(hash: string): { segment: Segment; row: number } | undefined {
    const key = Buffer.from(hash, 'hex');
    for (const segment of this.segments) {
      const row = findRow(segment, key);
      if (row >= 0) return { segment, row };
    }
    return undefined;
  }

  private nextSegmentName(): string {
    const last = this.segments.reduce((max, s) => Math.max(max, Number(/seg-(\d+)\.bin$/.exec(s.path)![1])), 0);
    return `seg-${String(last + 1).padStart(8, '0')}.bin`;
  }

  private async write(entries: ReadonlyMap<string, Float32Array>, name: string): Promise<void> {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const rows = sorted.length;
    const body = Buffer.alloc(rows * (HASH_BYTES + this.dimension * 4));
    const vectors = new Float32Array(body.buffer, body.byteOffset + rows * HASH_BYTES, rows * this.dimension);
    sorted.forEach(([hash, vector], row) => {
      if (vector.length !== this.dimension) throw new Error(`vector of dimension ${vector.length}, cache holds ${this.dimension}`);
      body.write(hash, row * HASH_BYTES, 'hex');
      vectors.set(vector, row * this.dimension);
    });
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(VERSION, 4);
    header.writeUInt32LE(this.dimension, 8);
    header.writeUInt32LE(rows, 12);
    createHash('sha256').update(body).digest().copy(header, 16);
    await writeFileAtomic(join(this.dir, name), Buffer.concat([header, body]));
  }

  /** Opens a segment that is what its header says; with `checksum`, every byte is checked against it too. */
  private verify(path: string, checksum: boolean): Segment | undefined {
    const fd = openSync(path, 'r');
    const header = Buffer.alloc(HEADER_BYTES);
    const size = statSync(path).size;
    if (readSync(fd, header, 0, HEADER_BYTES, 0) === HEADER_BYTES && header.toString('latin1', 0, 4) === MAGIC) {
      const rows = header.readUInt32LE(12);
      const dimension = header.readUInt32LE(8);
      const bodyBytes = rows * (HASH_BYTES + dimension * 4);
      if (header.readUInt32LE(4) === VERSION && dimension === this.dimension && size === HEADER_BYTES + bodyBytes) {
        if (!checksum || bodyChecksum(fd, bodyBytes).equals(header.subarray(16, 48))) {
          const hashes = Buffer.alloc(rows * HASH_BYTES);
          readSync(fd, hashes, 0, hashes.length, HEADER_BYTES);
          return { path, fd, rows, hashes, vectorsOffset: HEADER_BYTES + rows * HASH_BYTES };
        }
      }
    }
    closeSync(fd);
    return undefined;
  }
}
