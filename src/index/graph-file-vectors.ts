import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** hnswlib's header before the level-0 records: six size_t, two 32-bit ints, three size_t, a double, a size_t. */
const HEADER_BYTES = 96;
const LABEL_BYTES = 8;

/**
 * Reads stored vectors straight from a graph file in hnswlib's format, where level 0 holds one fixed
 * record per element (links, vector, label). hnswlib-node's getPoint builds its result one number
 * at a time (about 85 µs for 384 floats); one read of a record takes a few µs, and /ask needs the
 * vectors of the candidates only BM25 found. A record is used only when the label stored in it is
 * the one asked for; otherwise (an element not where its label would put it) the caller falls back
 * to getPoint. The file stays open, so a generation swept after a reload still reads.
 */
export class GraphFileVectors {
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

  /** The stored (unit) vector of a label, or undefined when its record is not where the label puts it. */
  vector(label: number): Float32Array | undefined {
    if (label < 0 || label >= this.count) return undefined;
    const record = Buffer.alloc(this.labelOffset + LABEL_BYTES - this.dataOffset);
    readSync(this.fd, record, 0, record.length, HEADER_BYTES + label * this.recordBytes + this.dataOffset);
    if (Number(record.readBigUInt64LE(record.length - LABEL_BYTES)) !== label) return undefined;
    return new Float32Array(record.buffer.slice(record.byteOffset, record.byteOffset + this.dimension * 4));
  }

  close(): void {
    closeSync(this.fd);
  }
}
