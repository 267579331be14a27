import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { recordKey, mergePaper } from '../papers/merge.js';
import type { Paper } from '../papers/paper.js';
import { ProblemLog, type ProblemCounts } from '../papers/problems.js';
import { PaperSlots } from '../papers/slots.js';
import { conflictNote, listSourceFiles, readIdTables, readPaperFile, sourceKind, type ReadFile } from '../papers/sources.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { cooperative } from '../util/cooperative.js';
import { confineWrite } from '../util/paths.js';
import { recordHash } from './catalog.js';
import type { PaperStream, SourceEntry } from './paper-stream.js';

/**
 * The sources as a stream of papers that never holds every record at once, and that reads again
 * only the files that changed. Each large file's parse is kept under data/cache/sources/: its
 * records as parsed (JSONL) and, per record, its keys (id, arXiv id, normalized title), its record
 * hash and its place. Deduplication then works on keys alone (see PaperSlots), as loadSources does
 * on records, in the same order; only papers that appear in several records are merged in memory.
 * The build plans from ids and record hashes and reads a record only when it must write it.
 */
// Bump when a parser or bounds change what a file yields, so every parse is done again.
const VERSION = 2;
// Smaller files are parsed each time: quick, and not worth an entry. Seed pages always are (their year depends on today).
const CACHE_MIN_BYTES = 256 << 10;

interface Keys {
  ids: string[];
  arxivIds: (string | null)[];
  titles: string[];
  hashes: string[];
  locations: string[];
  offsets: number[];
  lengths: number[];
}

interface CacheEntry extends Keys {
  version: number;
  path: string;
  bytes: number;
  mtimeMs: number;
  idsDigest: string;
  recordsBytes: number;
  problems: ProblemCounts;
}

/** One paper file's records: its keys, and the records themselves in memory or in its cache entry. */
interface FileRecords {
  file: string;
  keys: Keys;
  papers?: Paper[];
  recordsPath?: string;
}

/** Where a data dir keeps the parses of its sources. */
export function sourceCacheDirIn(dataDir: string): string {
  return confineWrite(join(dataDir, 'cache', 'sources'), dataDir);
}

function cachePaths(cacheDir: string, file: string) {
  const key = createHash('sha256').update(file).digest('hex').slice(0, 24);
  return { meta: join(cacheDir, `${key}.keys`), records: join(cacheDir, `${key}.jsonl`) };
}

/** A file's keys, and its records as the JSON lines of its cache entry. */
function keysOf(read: ReadFile): { keys: Keys; lines: string[] } {
  const keys: Keys = { ids: [], arxivIds: [], titles: [], hashes: [], locations: read.locations, offsets: [], lengths: [] };
  const lines: string[] = [];
  let offset = 0;
  for (const paper of read.papers) {
    const key = recordKey(paper);
    const line = JSON.stringify(paper);
    keys.ids.push(key.id);
    keys.arxivIds.push(key.arxivId ?? null);
    keys.titles.push(key.title);
    keys.hashes.push(recordHash(paper));
    const length = Buffer.byteLength(line);
    keys.offsets.push(offset);
    keys.lengths.push(length);
    offset += length + 1;
    lines.push(line);
  }
  return { keys, lines };
}

function cached(cacheDir: string, file: string, idsDigest: string): CacheEntry | undefined {
  const paths = cachePaths(cacheDir, file);
  try {
    // V8's serialization reads a file's keys in about a third of JSON.parse's time; another Node's may refuse it.
    const entry = deserialize(readFileSync(paths.meta)) as CacheEntry;
    const stat = statSync(file);
    const fresh = entry.version === VERSION && entry.path === file && entry.bytes === stat.size && entry.mtimeMs === stat.mtimeMs && entry.idsDigest === idsDigest;
    return fresh && statSync(paths.records).size === entry.recordsBytes ? entry : undefined;
  } catch {
    return undefined; // none yet, or unreadable: parsed again
  }
}

async function store(cacheDir: string, file: string, idsDigest: string, problems: ProblemCounts, keys: Keys, lines: readonly string[]): Promise<void> {
  const paths = cachePaths(cacheDir, file);
  mkdirSync(cacheDir, { recursive: true });
  const stat = statSync(file);
  const records = Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
  await writeFileAtomic(paths.records, records);
  const entry: CacheEntry = { version: VERSION, path: file, bytes: stat.size, mtimeMs: stat.mtimeMs, idsDigest, recordsBytes: records.length, problems, ...keys };
  await writeFileAtomic(paths.meta, serialize(entry));
}

export interface SourceSet extends PaperStream {
  files: string[];
  /** Papers after deduplication. */
  count: number;
  problems: ProblemCounts['problems'];
  problemCount: number;
  unusable: number;
  close(): void;
}

/** Reads the sources' keys (from the parse cache where a file is unchanged), deduplicates them and plans the merges. */
export async function openSources(paths: readonly string[], cacheDir: string, today = new Date()): Promise<SourceSet> {
  const tick = cooperative();
  const listed = listSourceFiles(paths);
  const log = new ProblemLog();
  for (const problem of listed.problems) log.reject(problem);
  const ids = await readIdTables(listed.files, log);
  const idsDigest = createHash('sha256').update(JSON.stringify([...ids].sort())).digest('hex');

  const files: FileRecords[] = [];
  const used = new Set<string>();
  for (const file of listed.files) {
    const kind = sourceKind(file);
    if (!kind || kind === 'arxiv-ids') continue;
    const cacheable = kind !== 'seed-page' && statSync(file, { throwIfNoEntry: false })?.isFile() === true && statSync(file).size >= CACHE_MIN_BYTES;
    const entry = cacheable ? cached(cacheDir, file, idsDigest) : undefined;
    if (entry) {
      log.add(entry.problems);
      files.push({ file, keys: entry, recordsPath: cachePaths(cacheDir, file).records });
    } else {
      const read = await readPaperFile(file, ids, today, tick);
      log.add(read.problems);
      const { keys, lines } = keysOf(read);
      // A cached file's records are read back from its entry as needed, so they need not stay in memory.
      if (cacheable) {
        await store(cacheDir, file, idsDigest, read.problems, keys, lines);
        files.push({ file, keys, recordsPath: cachePaths(cacheDir, file).records });
      } else files.push({ file, keys, papers: read.papers });
    }
    if (cacheable) used.add(file);
    await tick();
  }
  pruneCache(cacheDir, used);

  const reader = new RecordReader(files);
  const slots = new PaperSlots();
  /** Per slot: its first record, and for a slot of several records, all of them. */
  const first: number[] = [];
  const several = new Map<number, number[]>();
  let index = 0;
  for (const [f, { keys }] of files.entries()) {
    for (let i = 0; i < keys.ids.length; i++, index++) {
      const { slot, conflict } = slots.place({ id: keys.ids[i]!, arxivId: keys.arxivIds[i] ?? undefined, title: keys.titles[i]! }, index);
      if (slot === first.length) first.push(index);
      else {
        const records = several.get(slot);
        if (records) records.push(index);
        else several.set(slot, [first[slot]!, index]);
      }
      if (conflict) {
        const kept = reader.paper(index);
        const replaced = reader.paper(conflict.replacedIndex);
        log.note({ source: files[f]!.file, location: keys.locations[i]!, message: conflictNote(kept, replaced, reader.origin(conflict.replacedIndex)) });
      }
      await tick();
    }
  }
  const merged = new Map<number, { paper: Paper; hash: string }>();
  for (const [slot, records] of several) {
    const paper = records.map((r) => reader.paper(r)).reduce((older, newer) => mergePaper(older, newer));
    merged.set(slot, { paper, hash: recordHash(paper) });
    await tick();
  }
  const counts = log.counts();
  return {
    files: listed.files,
    count: first.length,
    ...counts,
    *each(): Generator<SourceEntry> {
      for (let slot = 0; slot < first.length; slot++) {
        const whole = merged.get(slot);
        yield whole ? new MergedEntry(whole.paper, whole.hash) : new RecordEntry(reader, first[slot]!);
      }
    },
    close: () => reader.close(),
  };
}

/** A paper of several records, merged in memory. */
class MergedEntry implements SourceEntry {
  readonly id: string;

  constructor(
    private readonly record: Paper,
    readonly recordHash: string,
  ) {
    this.id = record.id;
  }

  paper(): Paper {
    return this.record;
  }
}

/** A paper of one record, read from its file's records when asked for. */
class RecordEntry implements SourceEntry {
  readonly id: string;
  readonly recordHash: string;

  constructor(
    private readonly reader: RecordReader,
    private readonly index: number,
  ) {
    const { keys, at } = reader.locate(index);
    this.id = keys.ids[at]!;
    this.recordHash = keys.hashes[at]!;
  }

  paper(): Paper {
    return this.reader.paper(this.index);
  }
}

/** Removes cache entries of files no longer among the sources, and temporary files a crash left. */
function pruneCache(cacheDir: string, used: ReadonlySet<string>): void {
  const keep = new Set([...used].flatMap((file) => Object.values(cachePaths(cacheDir, file)).map((p) => p.slice(cacheDir.length + 1))));
  if (!existsSync(cacheDir)) return;
  for (const name of readdirSync(cacheDir)) if (!keep.has(name) && /^[0-9a-f]{24}\.(jsonl?|keys)(\.[0-9a-f]+)?$/.test(name)) rmSync(join(cacheDir, name), { force: true });
}

/** Reads records by their position in the sources, from memory or from a cache entry's JSONL. */
class RecordReader {
  private readonly starts: number[] = [];
  private readonly fds = new Map<number, number>();

  constructor(private readonly files: readonly FileRecords[]) {
    let start = 0;
    for (const file of files) {
      this.starts.push(start);
      start += file.keys.ids.length;
    }
  }

  locate(index: number): { keys: Keys; at: number; f: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.starts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return { keys: this.files[low]!.keys, at: index - this.starts[low]!, f: low };
  }

  origin(index: number): { source: string; location: string } {
    const { keys, at, f } = this.locate(index);
    return { source: this.files[f]!.file, location: keys.locations[at]! };
  }

  paper(index: number): Paper {
    const { keys, at, f } = this.locate(index);
    const file = this.files[f]!;
    if (file.papers) return file.papers[at]!;
    let fd = this.fds.get(f);
    if (fd === undefined) this.fds.set(f, (fd = openSync(file.recordsPath!, 'r')));
    const bytes = Buffer.alloc(keys.lengths[at]!);
    readSync(fd, bytes, 0, bytes.length, keys.offsets[at]!);
    return JSON.parse(bytes.toString('utf8')) as Paper;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
