import { closeSync, fsync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { SentenceStoreFormatError } from '../errors.js';
import { quantize } from '../search/vectors.js';
import type { Span } from '../text/sentences.js';

/**
 * The vectors of every abstract sentence, int8-quantized, grouped by paper label. Offsets and scales
 * stay in memory; the codes are read from disk only for the papers a query actually touches.
 *   "PSSV" | version u32 | dimension u32 | labels u32 | rows u32
 *   rowStart u32[labels + 1] | spans u32[rows × 2] | scales f32[rows] | codes i8[rows × dimension]
 */
const MAGIC = 'PSSV';
const VERSION = 1;
const HEADER_BYTES = 20;

export interface SentenceVectors {
  spans: Span[];
  scales: Float32Array;
  codes: Int8Array;
}

export class SentenceStore {
  private constructor(
    private readonly fd: number,
    readonly dimension: number,
    private readonly rowStart: Uint32Array,
    private readonly spans: Uint32Array,
    private readonly scales: Float32Array,
    private readonly codesOffset: number,
  ) {}

  static open(path: string, expectedDimension: number): SentenceStore {
    const fd = openSync(path, 'r');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      readSync(fd, header, 0, HEADER_BYTES, 0);
      if (header.toString('latin1', 0, 4) !== MAGIC || header.readUInt32LE(4) !== VERSION) {
        throw new SentenceStoreFormatError(`${path} is not a paperscout sentence store (version ${VERSION})`);
      }
      const dimension = header.readUInt32LE(8);
      if (dimension !== expectedDimension) {
        throw new SentenceStoreFormatError(`${path} holds ${dimension}-d vectors, expected ${expectedDimension}`);
      }
      const labels = header.readUInt32LE(12);
      const rows = header.readUInt32LE(16);
      const read = <T>(make: (b: ArrayBuffer) => T, bytes: number, offset: number): T => {
        const buffer = new ArrayBuffer(bytes);
        readSync(fd, new Uint8Array(buffer), 0, bytes, offset);
        return make(buffer);
      };
      let offset = HEADER_BYTES;
      const rowStart = read((b) => new Uint32Array(b), (labels + 1) * 4, offset);
      offset += (labels + 1) * 4;
      const spans = read((b) => new Uint32Array(b), rows * 8, offset);
      offset += rows * 8;
      const scales = read((b) => new Float32Array(b), rows * 4, offset);
      offset += rows * 4;
      return new SentenceStore(fd, dimension, rowStart, spans, scales, offset);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get labels(): number {
    return this.rowStart.length - 1;
  }

  get(label: number): SentenceVectors {
    const first = this.rowStart[label] ?? 0;
    const end = this.rowStart[label + 1] ?? first;
    const rows = end - first;
    const codes = new Int8Array(rows * this.dimension);
    if (rows) readSync(this.fd, codes, 0, codes.length, this.codesOffset + first * this.dimension);
    const spans: Span[] = [];
    for (let r = first; r < end; r++) spans.push({ start: this.spans[r * 2]!, end: this.spans[r * 2 + 1]! });
    return { spans, scales: this.scales.slice(first, end), codes };
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Writes a sentence store to `path` through a temporary file and a rename. Spans are known before
 * any vector, so vectors can be streamed in label order without holding them all in memory.
 */
export class SentenceStoreWriter {
  private readonly fd: number;
  private readonly tempPath: string;
  private readonly rowStart: Uint32Array;
  private readonly scales: Float32Array;
  private readonly codesOffset: number;
  private readonly scalesOffset: number;

  constructor(
    private readonly path: string,
    private readonly dimension: number,
    spansByLabel: readonly (readonly Span[])[],
  ) {
    this.rowStart = new Uint32Array(spansByLabel.length + 1);
    spansByLabel.forEach((spans, label) => (this.rowStart[label + 1] = this.rowStart[label]! + spans.length));
    const rows = this.rowStart[spansByLabel.length]!;
    const spans = new Uint32Array(rows * 2);
    let row = 0;
    for (const list of spansByLabel) for (const span of list) spans.set([span.start, span.end], 2 * row++);
    this.scales = new Float32Array(rows);
    this.scalesOffset = HEADER_BYTES + this.rowStart.byteLength + spans.byteLength;
    this.codesOffset = this.scalesOffset + this.scales.byteLength;

    this.tempPath = `${path}.tmp-${process.pid}`;
    this.fd = openSync(this.tempPath, 'w');
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(VERSION, 4);
    header.writeUInt32LE(dimension, 8);
    header.writeUInt32LE(spansByLabel.length, 12);
    header.writeUInt32LE(rows, 16);
    writeSync(this.fd, header, 0, HEADER_BYTES, 0);
    writeSync(this.fd, new Uint8Array(this.rowStart.buffer), 0, this.rowStart.byteLength, HEADER_BYTES);
    writeSync(this.fd, new Uint8Array(spans.buffer), 0, spans.byteLength, HEADER_BYTES + this.rowStart.byteLength);
  }

  /** Stores the vectors of one label's sentences, in span order. */
  write(label: number, vectors: readonly Float32Array[]): void {
    const first = this.rowStart[label]!;
    if (vectors.length !== this.rowStart[label + 1]! - first) {
      throw new Error(`label ${label}: ${vectors.length} vectors for ${this.rowStart[label + 1]! - first} sentences`);
    }
    const codes = new Int8Array(vectors.length * this.dimension);
    vectors.forEach((vector, i) => {
      const q = quantize(vector);
      this.scales[first + i] = q.scale;
      codes.set(q.codes, i * this.dimension);
    });
    writeSync(this.fd, codes, 0, codes.length, this.codesOffset + first * this.dimension);
  }

  /** Writes the quantized raw rows of a label as they are, reused from an earlier store. */
  copy(label: number, source: SentenceVectors): void {
    const first = this.rowStart[label]!;
    this.scales.set(source.scales, first);
    writeSync(this.fd, source.codes, 0, source.codes.length, this.codesOffset + first * this.dimension);
  }

  /** Flushes to disk off the main thread, then renames into place. */
  async finish(): Promise<void> {
    writeSync(this.fd, new Uint8Array(this.scales.buffer), 0, this.scales.byteLength, this.scalesOffset);
    await promisify(fsync)(this.fd);
    closeSync(this.fd);
    renameSync(this.tempPath, this.path);
  }
}
