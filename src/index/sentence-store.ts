import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SentenceStoreFormatError } from '../errors.js';
import { quantize } from '../search/vectors.js';
import type { Span } from '../text/sentences.js';
import { HashingWriter } from './file-check.js';
import type { RangedEntry } from './manifest.js';
import { rangeOf } from '../util/label-range.js';

/**
 * The vectors of every abstract sentence, int8-quantized, in segments that each cover a range of
 * labels. Offsets and scales stay in memory; the codes are read from disk only for the papers a
 * query actually touches. A segment is written front to back, its tables last:
 *   "PSSV" | version u32 | dimension u32 | firstLabel u32 | codes i8[rows × dimension], padded to 4
 *   rowStart u32[labels + 1] | spans u32[rows × 2] | scales f32[rows] | labels u32 | rows u32 | "PSSV"
 */
const MAGIC = 'PSSV';
const VERSION = 2;
const HEADER_BYTES = 16;
const FOOTER_BYTES = 12;

const align4 = (n: number) => (n + 3) & ~3;

export interface SentenceVectors {
  spans: Span[];
  scales: Float32Array;
  codes: Int8Array;
}

interface Segment {
  fd: number;
  firstLabel: number;
  rowStart: Uint32Array;
  spans: Uint32Array;
  scales: Float32Array;
}

function openSegment(path: string, expectedDimension: number): Segment {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const header = Buffer.alloc(HEADER_BYTES);
    const footer = Buffer.alloc(FOOTER_BYTES);
    readSync(fd, header, 0, HEADER_BYTES, 0);
    if (size >= HEADER_BYTES + FOOTER_BYTES) readSync(fd, footer, 0, FOOTER_BYTES, size - FOOTER_BYTES);
    if (header.toString('latin1', 0, 4) !== MAGIC || header.readUInt32LE(4) !== VERSION || footer.toString('latin1', 8, 12) !== MAGIC) {
      throw new SentenceStoreFormatError(`${path} is not a paperscout sentence segment (version ${VERSION})`);
    }
    const dimension = header.readUInt32LE(8);
    if (dimension !== expectedDimension) throw new SentenceStoreFormatError(`${path} holds ${dimension}-d vectors, expected ${expectedDimension}`);
    const labels = footer.readUInt32LE(0);
    const rows = footer.readUInt32LE(4);
    let offset = HEADER_BYTES + align4(rows * dimension);
    if (offset + (labels + 1) * 4 + rows * 12 + FOOTER_BYTES !== size) throw new SentenceStoreFormatError(`${path} is ${size} bytes, not what its ${labels} labels and ${rows} rows take`);
    const read = <T>(make: (b: ArrayBuffer) => T, bytes: number): T => {
      const buffer = new ArrayBuffer(bytes);
      readSync(fd, new Uint8Array(buffer), 0, bytes, offset);
      offset += bytes;
      return make(buffer);
    };
    const rowStart = read((b) => new Uint32Array(b), (labels + 1) * 4);
    const spans = read((b) => new Uint32Array(b), rows * 8);
    const scales = read((b) => new Float32Array(b), rows * 4);
    return { fd, firstLabel: header.readUInt32LE(12), rowStart, spans, scales };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

export class SentenceStore {
  private constructor(
    readonly dimension: number,
    /** By first label, ascending. */
    private readonly segments: Segment[],
  ) {}

  static open(dir: string, entries: readonly RangedEntry[], dimension: number): SentenceStore {
    const segments: Segment[] = [];
    try {
      for (const entry of entries) segments.push(openSegment(join(dir, entry.name), dimension));
    } catch (error) {
      for (const segment of segments) closeSync(segment.fd);
      throw error;
    }
    return new SentenceStore(dimension, segments.sort((a, b) => a.firstLabel - b.firstLabel));
  }

  /** Labels covered, up to the end of the last segment. */
  get labels(): number {
    const last = this.segments.at(-1);
    return last ? last.firstLabel + last.rowStart.length - 1 : 0;
  }

  get(label: number): SentenceVectors {
    const segment = this.segmentOf(label);
    if (!segment) return { spans: [], scales: new Float32Array(0), codes: new Int8Array(0) };
    const local = label - segment.firstLabel;
    const first = segment.rowStart[local]!;
    const end = segment.rowStart[local + 1]!;
    const codes = new Int8Array((end - first) * this.dimension);
    if (codes.length) readSync(segment.fd, codes, 0, codes.length, HEADER_BYTES + first * this.dimension);
    const spans: Span[] = [];
    for (let r = first; r < end; r++) spans.push({ start: segment.spans[r * 2]!, end: segment.spans[r * 2 + 1]! });
    return { spans, scales: segment.scales.slice(first, end), codes };
  }

  close(): void {
    for (const segment of this.segments.splice(0)) closeSync(segment.fd);
  }

  private segmentOf(label: number): Segment | undefined {
    return rangeOf(this.segments, label, (segment) => segment.rowStart.length - 1);
  }
}

/**
 * Writes one sentence segment front to back, for labels from `firstLabel` on, in label order:
 * vectors are streamed as they come and the tables follow at the end, so nothing waits on a count
 * known only later. A label given no rows (dead, or skipped) holds none.
 */
export class SentenceSegmentWriter {
  private readonly file: HashingWriter;
  private readonly rowStart: number[] = [0];
  private readonly spans: number[] = [];
  private readonly scales: number[] = [];

  constructor(
    dir: string,
    name: string,
    private readonly dimension: number,
    readonly firstLabel: number,
  ) {
    this.file = new HashingWriter(dir, name);
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(VERSION, 4);
    header.writeUInt32LE(dimension, 8);
    header.writeUInt32LE(firstLabel, 12);
    this.file.write(header);
  }

  /** The label the next write is for. */
  get nextLabel(): number {
    return this.firstLabel + this.rowStart.length - 1;
  }

  /** Stores the vectors of one label's sentences, in span order. */
  write(label: number, spans: readonly Span[], vectors: readonly Float32Array[]): void {
    if (vectors.length !== spans.length) throw new Error(`label ${label}: ${vectors.length} vectors for ${spans.length} sentences`);
    const codes = new Int8Array(vectors.length * this.dimension);
    const scales = vectors.map((vector, i) => {
      const q = quantize(vector);
      codes.set(q.codes, i * this.dimension);
      return q.scale;
    });
    this.append(label, spans, scales, codes);
  }

  /** Writes the quantized rows of a label as they are, reused from an earlier segment. */
  copy(label: number, source: SentenceVectors): void {
    this.append(label, source.spans, Array.from(source.scales), source.codes);
  }

  async finish(): Promise<RangedEntry> {
    const rows = this.scales.length;
    const labels = this.rowStart.length - 1;
    this.file.write(new Uint8Array(align4(rows * this.dimension) - rows * this.dimension));
    const footer = Buffer.alloc(FOOTER_BYTES);
    footer.writeUInt32LE(labels, 0);
    footer.writeUInt32LE(rows, 4);
    footer.write(MAGIC, 8, 'latin1');
    for (const table of [Uint32Array.from(this.rowStart), Uint32Array.from(this.spans), Float32Array.from(this.scales), footer]) {
      this.file.write(new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
    }
    return { ...(await this.file.finish()), firstLabel: this.firstLabel, labels };
  }

  abandon(): void {
    this.file.abandon();
  }

  private append(label: number, spans: readonly Span[], scales: readonly number[], codes: Int8Array): void {
    if (label < this.nextLabel) throw new Error(`label ${label} written after label ${this.nextLabel - 1}`);
    while (this.nextLabel < label) this.rowStart.push(this.scales.length);
    for (const span of spans) this.spans.push(span.start, span.end);
    this.scales.push(...scales);
    this.rowStart.push(this.scales.length);
    if (codes.length) this.file.write(new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength));
  }
}
