import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** The lines of a file, read in chunks: files larger than the biggest possible string still work. */
export function* readLines(path: string, chunkBytes = 16 << 20): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(chunkBytes);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, chunkBytes, null);
      if (n === 0) break;
      const text = carry + decoder.write(buffer.subarray(0, n));
      const lines = text.split('\n');
      carry = lines.pop()!;
      yield* lines;
    }
    carry += decoder.end();
    if (carry) yield carry;
  } finally {
    closeSync(fd);
  }
}
