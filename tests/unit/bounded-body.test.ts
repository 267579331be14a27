import { describe, expect, it } from 'vitest';
import { readBoundedText } from '../../src/util/bounded-body.js';

/** A response whose body arrives in the given chunks, counting how many were pulled. */
function chunked(parts: string[]): { response: Response; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[pulled++];
      if (part === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(part));
    },
  });
  return { response: new Response(stream), pulled: () => pulled };
}

describe('readBoundedText', () => {
  it('returns the whole body when it fits, multi-byte characters across chunks included', async () => {
    const euro = new TextEncoder().encode('€');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('price: '));
        controller.enqueue(euro.slice(0, 1));
        controller.enqueue(euro.slice(1));
        controller.close();
      },
    });
    expect(await readBoundedText(new Response(stream), 100, () => new Error('too large'))).toBe('price: €');
  });

  it('throws the caller’s error as soon as the count passes the bound, without reading the rest', async () => {
    const { response, pulled } = chunked(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']);
    await expect(readBoundedText(response, 6, () => new RangeError('over 6 bytes'))).rejects.toThrow(RangeError);
    expect(pulled()).toBeLessThan(5);
  });

  it('reads an empty body as empty text', async () => {
    expect(await readBoundedText(new Response(null), 10, () => new Error('too large'))).toBe('');
  });
});
