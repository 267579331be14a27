import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** hnswlib's header before the level-0 records: six size_t, two 32-bit ints, three size_t, a double, a size_t. */
const HEADER_BYTES = 96;
const LABEL_BYTES = 8;
/** Records read at once when walking a file. */
const RECORDS_PER_READ = 1024;

/**
 * Reads stored vectors straight from a graph file in hnswlib's format, where level 0 holds one fixed
 * record per element (links, vector, label). hnswlib-node's getPoint builds its result one number
 * at a time (about 85 µs for 384 floats); one read of a record takes a few µs, and /ask needs the
 * vectors of the candidates only BM25 found. A graph segment holds its labels in ascending order
 * (see graph-segments.ts), so a label's record is found where its offset from the first label puts
 * it, or else by binary search; a label found nowhere is left to getPoint. The file stays open, so a
 * generation swept after a reload still reads.
 */
export class GraphFileVectors {
  private firstLabel?: number;

  private constructor(
    private readonly fd: number,
    private readonly dimension: number,
    private readonly count: number,
    private readonly recordBytes: number,
    private readonly dataOffset: number,
    private readonly labelOffset: number,
  ) {}

  /** The file's vectors, or undefined when its header does not describe `count` records of `dimension` floats. */
  static open(path: string, dimension: number, count: number): GraphFileVectors | undefined {
    const fd = openSync(path, 'r');
    const header = Buffer.alloc(HEADER_BYTES);
    const size = (at: number) => Number(header.readBigUInt64LE(at));
    const fits =
      readSync(fd, header, 0, HEADER_BYTES, 0) === HEADER_BYTES &&
      size(0) === 0 && // offsetLevel0
      size(16) === count && // cur_element_count
      size(32) - size(40) === dimension * 4 && // label_offset - offsetData: the vector
      size(24) === size(32) + LABEL_BYTES && // size_data_per_element ends with the label
      fstatSync(fd).size >= HEADER_BYTES + count * size(24);
    if (!fits) {
      closeSync(fd);
      return undefined;
    }
    return new GraphFileVectors(fd, dimension, count, size(24), size(40), size(32));
  }

  /** The stored (unit) vector of a label, or undefined when no record holds it. */
  vector(label: number): Float32Array | undefined {
    if (this.count === 0) return undefined;
    this.firstLabel ??= this.labelAt(0);
    const guess = label - this.firstLabel;
    if (guess >= 0 && guess < this.count) {
      const record = this.recordAt(guess);
      if (record.label === label) return record.vector;
    }
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const found = this.labelAt(middle);
      if (found === label) return this.recordAt(middle).vector;
      if (found < label) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** Every record's label and vector, in the file's order, read a block of records at a time. */
  *records(): Generator<{ label: number; vector: Float32Array }> {
    const block = Buffer.alloc(RECORDS_PER_READ * this.recordBytes);
    for (let first = 0; first < this.count; first += RECORDS_PER_READ) {
      const n = Math.min(RECORDS_PER_READ, this.count - first);
      readSync(this.fd, block, 0, n * this.recordBytes, HEADER_BYTES + first * this.recordBytes);
      for (let i = 0; i < n; i++) {
        const at = i * this.recordBytes;
        const label = Number(block.readBigUInt64LE(at + this.labelOffset));
        const vector = new Float32Array(block.buffer.slice(block.byteOffset + at + this.dataOffset, block.byteOffset + at + this.labelOffset));
        yield { label, vector };
      }
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private labelAt(record: number): number {
    const label = Buffer.alloc(LABEL_BYTES);
    readSync(this.fd, label, 0, LABEL_BYTES, HEADER_BYTES + record * this.recordBytes + this.labelOffset);
    return Number(label.readBigUInt64LE(0));
  }

  /** A record's vector and label, in one read. */
  private recordAt(record: number): { label: number; vector: Float32Array } {
    const bytes = Buffer.alloc(this.labelOffset + LABEL_BYTES - this.dataOffset);
    readSync(this.fd, bytes, 0, bytes.length, HEADER_BYTES + record * this.recordBytes + this.dataOffset);
    const label = Number(bytes.readBigUInt64LE(bytes.length - LABEL_BYTES));
    return { label, vector: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + this.dimension * 4)) };
  }
}
