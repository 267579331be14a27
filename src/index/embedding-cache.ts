import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Embeddings already computed, by (model, text hash), so that re-indexing an unchanged paper costs
 * nothing. Each batch of new vectors is one immutable segment file, written atomically:
 *   "PSEC" | version u32 | dimension u32 | rows u32 | sha256(body) 32 bytes | body
 *   body = rows × 16-byte text hash, then rows × dimension float32
 */
const MAGIC = 'PSEC';
const VERSION = 1;
const HEADER_BYTES = 4 + 4 + 4 + 4 + 32;
const HASH_BYTES = 16;
const MAX_SEGMENTS = 16;

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_BYTES * 2);
}

interface Segment {
  path: string;
  fd: number;
  rows: number;
  vectorsOffset: number;
}

export class EmbeddingCache {
  private readonly segments: Segment[] = [];
  private readonly locations = new Map<string, { segment: Segment; row: number }>();
  /** Segment files that failed verification and were discarded. */
  readonly discarded: string[] = [];

  private constructor(
    readonly dir: string,
    readonly dimension: number,
  ) {}

  /** Opens the cache for one model; corrupt or foreign segments are discarded, never trusted. */
  static open(dir: string, dimension: number): EmbeddingCache {
    mkdirSync(dir, { recursive: true });
    const cache = new EmbeddingCache(dir, dimension);
    for (const name of readdirSync(dir).filter((n) => /^seg-\d+\.bin$/.test(n)).sort()) {
      const path = join(dir, name);
      const segment = cache.verify(path);
      if (!segment) {
        cache.discarded.push(path);
        rmSync(path, { force: true });
        continue;
      }
      cache.index(segment);
    }
    return cache;
  }

  get size(): number {
    return this.locations.size;
  }

  has(hash: string): boolean {
    return this.locations.has(hash);
  }

  get(hash: string): Float32Array | undefined {
    const location = this.locations.get(hash);
    if (!location) return undefined;
    const bytes = Buffer.alloc(this.dimension * 4);
    readSync(location.segment.fd, bytes, 0, bytes.length, location.segment.vectorsOffset + location.row * bytes.length);
    return new Float32Array(bytes.buffer, bytes.byteOffset, this.dimension);
  }

  /** Stores new vectors as one segment; merges all segments into one once there are too many. */
  async add(entries: ReadonlyMap<string, Float32Array>): Promise<void> {
    const fresh = new Map([...entries].filter(([hash]) => !this.locations.has(hash)));
    if (!fresh.size) return;
    const compact = this.segments.length >= MAX_SEGMENTS;
    if (compact) for (const hash of this.locations.keys()) fresh.set(hash, this.get(hash)!);
    const name = this.nextSegmentName();
    await this.write(fresh, name);
    if (compact) {
      this.close(true);
      this.locations.clear();
    }
    this.index(this.verify(join(this.dir, name))!);
  }

  /** Closes every segment; safe to call more than once. */
  close(removeFiles = false): void {
    for (const segment of this.segments.splice(0)) {
      closeSync(segment.fd);
      if (removeFiles) rmSync(segment.path, { force: true });
    }
  }

  private nextSegmentName(): string {
    const last = Math.max(0, ...this.segments.map((s) => Number(/seg-(\d+)\.bin$/.exec(s.path)![1])));
    return `seg-${String(last + 1).padStart(8, '0')}.bin`;
  }

  private async write(entries: ReadonlyMap<string, Float32Array>, name: string): Promise<void> {
    const rows = entries.size;
    const body = Buffer.alloc(rows * (HASH_BYTES + this.dimension * 4));
    const vectors = new Float32Array(body.buffer, body.byteOffset + rows * HASH_BYTES, rows * this.dimension);
    let row = 0;
    for (const [hash, vector] of entries) {
      if (vector.length !== this.dimension) throw new Error(`vector of dimension ${vector.length}, cache holds ${this.dimension}`);
      body.write(hash, row * HASH_BYTES, 'hex');
      vectors.set(vector, row * this.dimension);
      row++;
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(VERSION, 4);
    header.writeUInt32LE(this.dimension, 8);
    header.writeUInt32LE(rows, 12);
    createHash('sha256').update(body).digest().copy(header, 16);
    await writeFileAtomic(join(this.dir, name), Buffer.concat([header, body]));
  }

  private verify(path: string): Segment | undefined {
    const fd = openSync(path, 'r');
    const header = Buffer.alloc(HEADER_BYTES);
    const size = statSync(path).size;
    if (readSync(fd, header, 0, HEADER_BYTES, 0) === HEADER_BYTES && header.toString('latin1', 0, 4) === MAGIC) {
      const rows = header.readUInt32LE(12);
      const dimension = header.readUInt32LE(8);
      const bodyBytes = rows * (HASH_BYTES + dimension * 4);
      if (header.readUInt32LE(4) === VERSION && dimension === this.dimension && size === HEADER_BYTES + bodyBytes) {
        const body = Buffer.alloc(bodyBytes);
        readSync(fd, body, 0, bodyBytes, HEADER_BYTES);
        if (createHash('sha256').update(body).digest().equals(header.subarray(16, 48))) {
          return { path, fd, rows, vectorsOffset: HEADER_BYTES + rows * HASH_BYTES };
        }
      }
    }
    closeSync(fd);
    return undefined;
  }

  private index(segment: Segment): void {
    const hashes = Buffer.alloc(segment.rows * HASH_BYTES);
    readSync(segment.fd, hashes, 0, hashes.length, HEADER_BYTES);
    for (let row = 0; row < segment.rows; row++) {
      this.locations.set(hashes.toString('hex', row * HASH_BYTES, (row + 1) * HASH_BYTES), { segment, row });
    }
    this.segments.push(segment);
  }
}
