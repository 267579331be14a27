import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IndexLoadError } from '../errors.js';

/** What the manifest records of each file of a generation. */
export interface FileEntry {
  name: string;
  bytes: number;
  /** SHA-256 of the whole file, computed once, as it was written. */
  sha256: string;
  /** Hash of its first and last EDGE_BYTES: checked on every open, at a cost that does not grow with the file. */
  edges: string;
}

const EDGE_BYTES = 4096;

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

/** The hash of a file's first and last EDGE_BYTES (its whole content when it is shorter than both). */
export function edgesOf(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256').update(String(bytes));
    const head = Buffer.alloc(Math.min(EDGE_BYTES, bytes));
    readSync(fd, head, 0, head.length, 0);
    hash.update(head);
    if (bytes > EDGE_BYTES) {
      const tail = Buffer.alloc(Math.min(EDGE_BYTES, bytes - EDGE_BYTES));
      readSync(fd, tail, 0, tail.length, bytes - tail.length);
      hash.update(tail);
    }
    return hash.digest('hex').slice(0, 32);
  } finally {
    closeSync(fd);
  }
}

/** Describes a file written by someone else (hnswlib's graph): one full read for its checksum. */
export async function describeFile(dir: string, name: string): Promise<FileEntry> {
  const path = join(dir, name);
  const bytes = statSync(path).size;
  return { name, bytes, sha256: await sha256File(path), edges: edgesOf(path, bytes) };
}

/**
 * Writes a file front to back through a buffer, hashing what it writes, so its checksum costs no
 * second read of the file.
 */
export class HashingWriter {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private written = 0;

  constructor(
    private readonly dir: string,
    readonly name: string,
  ) {
    this.fd = openSync(join(dir, name), 'wx');
  }

  /** Bytes written so far, buffered ones included. */
  get bytes(): number {
    return this.written + this.pendingBytes;
  }

  /** Takes the bytes as they are: the caller must not change them afterwards. */
  write(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Flushes to disk off the main thread and returns the file's manifest entry. */
  async finish(): Promise<FileEntry> {
    this.flush();
    await promisify(fsync)(this.fd);
    closeSync(this.fd);
    const path = join(this.dir, this.name);
    return { name: this.name, bytes: this.written, sha256: this.hash.digest('hex'), edges: edgesOf(path, this.written) };
  }

  /** Gives up on the file (the caller removes the folder it is in). */
  abandon(): void {
    closeSync(this.fd);
  }

  private flush(): void {
    if (!this.pendingBytes) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.hash.update(chunk);
    for (let done = 0; done < chunk.length; ) done += writeSync(this.fd, chunk, done, chunk.length - done, this.written + done);
    this.written += chunk.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}

const FLUSH_BYTES = 1 << 20;

/**
 * The check every open makes, in time that does not grow with the index: each file is there, has the
 * size the manifest says, and the same first and last bytes. It catches a truncated, extended, missing
 * or swapped file; a bit flipped in the middle of a file is left to `verifyFile` (index status).
 */
export function checkFile(dir: string, entry: FileEntry): void {
  const path = join(dir, entry.name);
  if (!existsSync(path)) throw new IndexLoadError('corrupt', `${path} is missing`);
  const bytes = statSync(path).size;
  if (bytes !== entry.bytes) throw new IndexLoadError('corrupt', `${path} has ${bytes} bytes, the manifest says ${entry.bytes} (truncated or overwritten)`);
  if (edgesOf(path, bytes) !== entry.edges) throw new IndexLoadError('corrupt', `${path} does not match its first and last bytes in the manifest (another file)`);
}

/** The full check: every byte against the checksum recorded when the file was written. */
export async function verifyFile(dir: string, entry: FileEntry): Promise<void> {
  checkFile(dir, entry);
  if ((await sha256File(join(dir, entry.name))) !== entry.sha256) {
    throw new IndexLoadError('corrupt', `${join(dir, entry.name)} does not match its checksum in the manifest`);
  }
}
