/** Finds a label by its paper's id: what a snapshot needs of a Map from id to label. */
export type LabelLookup = Pick<ReadonlyMap<string, number>, 'get' | 'has'>;

// Lookups hash and compare an ASCII id (arXiv ids are) as characters, which are its UTF-8 bytes:
// no encoding per lookup, and a reload's plan looks up every paper of the sources.
function isAsciiText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes, then murmur3's finalizer so that the low bits the table masks with are mixed. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return finish(h);
}

function hashAscii(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return finish(h);
}

function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * An open-addressing hash table from the ids of a catalog's id column to their labels, held in one
 * typed array over the column's own bytes. At 1M papers a Map takes ~700 ms to fill and ~100 MB of
 * strings and entries that every major GC walks; this takes ~150 ms and 8 MB.
 */
export class IdTable implements LabelLookup {
  /** label + 1 per slot, 0 for an empty one; a power of two at least twice the labels. */
  private readonly slots: Uint32Array;

  /**
   * @param ends  the end of each label's id in `bytes` (it starts where the label before ends)
   * @param bytes the ids' UTF-8 bytes, back to back
   * @param isLive whether a label holds a paper (only live labels are found)
   */
  constructor(
    private readonly ends: Uint32Array,
    private readonly bytes: Buffer,
    isLive: (label: number) => boolean,
  ) {
    let size = 2;
    while (size < ends.length * 2) size *= 2;
    this.slots = new Uint32Array(size);
    const mask = size - 1;
    for (let label = 0; label < ends.length; label++) {
      if (!isLive(label)) continue;
      let slot = hashBytes(bytes, this.start(label), ends[label]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = label + 1;
    }
  }

  get(id: string): number | undefined {
    const mask = this.slots.length - 1;
    const ascii = isAsciiText(id);
    const key = ascii ? undefined : Buffer.from(id, 'utf8');
    const hash = key ? hashBytes(key, 0, key.length) : hashAscii(id);
    for (let slot = hash & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const label = this.slots[slot]! - 1;
      const start = this.start(label);
      const end = this.ends[label]!;
      if (key ? this.bytes.compare(key, 0, key.length, start, end) === 0 : this.equalsAscii(id, start, end)) return label;
    }
    return undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  private equalsAscii(id: string, start: number, end: number): boolean {
    if (end - start !== id.length) return false;
    for (let i = 0; i < id.length; i++) if (this.bytes[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private start(label: number): number {
    return label ? this.ends[label - 1]! : 0;
  }
}
