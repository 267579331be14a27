import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { PathOutsideError } from '../errors.js';

/** Resolves symlinks of the longest existing prefix, so a link cannot smuggle a path out. */
function realish(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : resolve(realish(parent), relative(parent, path));
  }
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(realish(root), realish(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Returns the absolute path if it lies under one of the roots; throws otherwise, unless allowed. */
export function confinePath(path: string, roots: readonly string[], allowOutside: boolean, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  if (allowOutside || roots.some((root) => isInside(absolute, root))) return absolute;
  throw new PathOutsideError(path, roots);
}
