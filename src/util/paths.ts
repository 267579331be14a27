import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { PathOutsideError, WriteOutsideError } from '../errors.js';

/**
 * Resolves symlinks of the longest existing prefix, so a link cannot smuggle a path out; a dangling
 * link is followed to where it points, since a write through it would create its target.
 */
function realish(path: string, depth = 0): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    const link = danglingLink(path);
    if (link !== undefined && depth < 40) return realish(resolve(realish(parent), link), depth + 1);
    return resolve(realish(parent, depth), relative(parent, path));
  }
}

function danglingLink(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function isUnder(real: string, realRoot: string): boolean {
  const rel = relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export function isInside(path: string, root: string): boolean {
  return isUnder(realish(path), realish(root));
}

/** Returns the absolute path if it lies under one of the roots; throws otherwise, unless allowed. */
export function confinePath(path: string, roots: readonly string[], allowOutside: boolean, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  if (allowOutside || roots.some((root) => isInside(absolute, root))) return absolute;
  throw new PathOutsideError(path, roots);
}

/**
 * Returns `path` unchanged if it lies in the data dir once symlinks are resolved, the same check as
 * for inputs; throws otherwise. Every writer calls it on its target, and no flag lets a write out.
 */
export function confineWrite(path: string, dataDir: string): string {
  const real = realish(resolve(path));
  if (isUnder(real, realish(resolve(dataDir)))) return path;
  throw new WriteOutsideError(path, real, dataDir);
}
