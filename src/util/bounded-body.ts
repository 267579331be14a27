/**
 * A response body as text, counted as it streams, so an oversized one is refused before it fills
 * memory: `tooLarge()` is thrown once more than `maxBytes` have arrived (leaving the loop cancels the
 * stream).
 */
export async function readBoundedText(response: Response, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
