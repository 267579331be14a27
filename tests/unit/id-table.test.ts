import { describe, expect, it } from 'vitest';
import { IdTable } from '../../src/index/id-table.js';

/** The id column a catalog writes: each id's end offset, then the UTF-8 bytes back to back. */
function column(ids: readonly string[]): { ends: Uint32Array; bytes: Buffer } {
  const encoded = ids.map((id) => Buffer.from(id, 'utf8'));
  const ends = new Uint32Array(ids.length);
  encoded.reduce((end, bytes, i) => (ends[i] = end + bytes.length), 0);
  return { ends, bytes: Buffer.concat(encoded) };
}

describe('IdTable', () => {
  it('finds every live id, and only those', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `2401.${String(i).padStart(5, '0')}`);
    const { ends, bytes } = column(ids);
    const table = new IdTable(ends, bytes, (label) => label % 7 !== 3);
    ids.forEach((id, label) => expect(table.get(id)).toBe(label % 7 === 3 ? undefined : label));
    expect(table.has('2401.00003')).toBe(false);
    expect(table.has('2401.00004')).toBe(true);
    expect(table.get('2401.0000')).toBeUndefined(); // a prefix of an id
    expect(table.get('2401.000044')).toBeUndefined(); // an id plus a character
    expect(table.get('')).toBeUndefined();
  });

  it('finds ids outside ASCII by their UTF-8 bytes', () => {
    const ids = ['café-1', 'naïve', 'ascii', '数据-7', 'e\u0301'];
    const { ends, bytes } = column(ids);
    const table = new IdTable(ends, bytes, () => true);
    ids.forEach((id, label) => expect(table.get(id)).toBe(label));
    expect(table.get('cafe-1')).toBeUndefined();
    expect(table.get('\u00e9')).toBeUndefined(); // é precomposed, not e + combining accent
  });

  it('holds an empty column', () => {
    const table = new IdTable(new Uint32Array(0), Buffer.alloc(0), () => true);
    expect(table.get('anything')).toBeUndefined();
  });
});
