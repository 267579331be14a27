import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { diskFullOr } from '../errors.js';

/**
 * Writes a file whole or not at all: into a temporary file beside it (`<path>.<hex>`), flushed to
 * disk, then renamed over it. The write-file-atomic package issues one write and ignores how much
 * of it landed, so on a filling disk it renamed a truncated file into place; FileHandle.writeFile
 * continues a short write, which then fails with ENOSPC and leaves the old file as it was.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(path);
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw diskFullOr(error, path);
  }
}

/** Where writeFileAtomic writes before its rename: what a crash can leave behind, to be swept. */
export function temporaryPath(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}`;
}
