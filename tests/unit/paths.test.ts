import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathOutsideError, UserError } from '../../src/errors.js';
import { confinePath, isInside } from '../../src/util/paths.js';

let base: string;
let data: string;
let seeds: string;
let outside: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'paperscout-paths-'));
  data = join(base, 'data');
  seeds = join(base, 'seeds');
  outside = join(base, 'elsewhere');
  for (const dir of [data, seeds, outside]) mkdirSync(dir);
  writeFileSync(join(outside, 'secret.jsonl'), '{}');
  writeFileSync(join(seeds, 'page.txt'), 'x');
  symlinkSync(outside, join(data, 'escape'));
  symlinkSync(join(outside, 'secret.jsonl'), join(seeds, 'link.jsonl'));
  symlinkSync(join(seeds, 'page.txt'), join(data, 'inner-link.txt'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('isInside', () => {
  it('holds for the root itself and anything below it, existing or not', () => {
    expect(isInside(data, data)).toBe(true);
    expect(isInside(join(data, 'index', 'new-file.bin'), data)).toBe(true);
    expect(isInside(join(seeds, 'page.txt'), seeds)).toBe(true);
  });

  it('holds for an entry inside the root whose name merely starts with two dots', () => {
    expect(isInside(join(data, '..cache', 'vectors.bin'), data)).toBe(true);
    expect(isInside(join(data, '...'), data)).toBe(true);
  });

  it('does not hold for siblings, parents or names that merely share a prefix', () => {
    expect(isInside(seeds, data)).toBe(false);
    expect(isInside(base, data)).toBe(false);
    expect(isInside(`${data}-backup/x`, data)).toBe(false);
  });

  it('follows symlinks, so a link inside a root to a place outside is outside', () => {
    expect(isInside(join(data, 'escape', 'secret.jsonl'), data)).toBe(false);
    expect(isInside(join(data, 'escape', 'not-yet-created.jsonl'), data)).toBe(false);
    expect(isInside(join(seeds, 'link.jsonl'), seeds)).toBe(false);
  });
});

describe('confinePath', () => {
  const roots = () => [data, seeds];

  it('returns the absolute path for a relative path inside a root', () => {
    expect(confinePath('seeds/page.txt', roots(), false, base)).toBe(join(seeds, 'page.txt'));
    expect(confinePath('data/new/index.bin', roots(), false, base)).toBe(join(data, 'new', 'index.bin'));
    expect(confinePath(join(seeds, 'x.jsonl'), roots(), false, '/')).toBe(join(seeds, 'x.jsonl'));
  });

  it('refuses ../../etc/passwd with a PathOutsideError naming the roots', () => {
    let caught: unknown;
    try {
      confinePath('../../etc/passwd', roots(), false, data);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PathOutsideError);
    expect(caught).toBeInstanceOf(UserError);
    const message = (caught as Error).message;
    expect(message).toContain('../../etc/passwd');
    expect(message).toContain(data);
    expect(message).toContain(seeds);
    expect(message).toContain('--allow-outside');
  });

  it('refuses a path that climbs out of a root with ..', () => {
    expect(() => confinePath('data/../elsewhere/secret.jsonl', roots(), false, base)).toThrow(PathOutsideError);
  });

  it('allows anything when allowOutside is set', () => {
    expect(confinePath('../../etc/passwd', roots(), true, data)).toBe(join(data, '../../etc/passwd'));
    expect(confinePath(join(data, 'escape', 'secret.jsonl'), roots(), true)).toBe(join(data, 'escape', 'secret.jsonl'));
  });

  it('refuses a symlink inside a root that points outside', () => {
    expect(() => confinePath(join(data, 'escape', 'secret.jsonl'), roots(), false)).toThrow(PathOutsideError);
    expect(() => confinePath('seeds/link.jsonl', roots(), false, base)).toThrow(PathOutsideError);
  });

  it('accepts a symlink from one root into another root', () => {
    expect(confinePath('data/inner-link.txt', roots(), false, base)).toBe(join(data, 'inner-link.txt'));
  });
});
