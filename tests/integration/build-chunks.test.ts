import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embedding/embedder.js';
import { buildFromSources, modelFingerprint } from '../../src/engine/build-from-sources.js';
import { quietLogger, tempDir, testConfig } from '../setup/engine.js';

const DIMENSION = 8;
/** More papers than two of the build's cache chunks (512 papers each), so that it embeds three. */
const PAPERS = 1100;

/** A unit vector of its own for each text, so that every paper has a distinct point in the graph. */
function vectorOf(text: string): Float32Array {
  const vector = new Float32Array(DIMENSION);
  for (let i = 0; i < text.length; i++) vector[i % DIMENSION]! += text.charCodeAt(i) * ((i % 7) + 1);
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

/**
 * Builds of many papers are about the embedding threads staying busy and an interrupted build keeping
 * its work, not about the vectors: a stand-in embedder counts the calls under way at once, and can fail one.
 */
function countingEmbedder(failCall?: number) {
  const seen = { calls: 0, running: 0, mostRunning: 0, passages: 0 };
  const embedder: Embedder = {
    modelId: 'counting-embedder',
    dimension: DIMENSION,
    embedQuery: async (text) => vectorOf(text),
    embedPassages: async (texts) => texts.map(vectorOf),
    embedWithSentences: async (passages) => {
      const call = ++seen.calls;
      seen.running++;
      seen.mostRunning = Math.max(seen.mostRunning, seen.running);
      try {
        await setTimeout(30);
        if (call === failCall) throw new Error('embedding thread failed in the test');
        seen.passages += passages.length;
        return passages.map((p) => ({ passage: vectorOf(p.text), sentences: p.sentences.map((s) => vectorOf(p.text.slice(s.start, s.end))) }));
      } finally {
        seen.running--;
      }
    },
    warm: () => {},
    dispose: async () => {},
  };
  return { embedder, seen };
}

function writePapers(dir: string): void {
  const lines = Array.from({ length: PAPERS }, (_, i) =>
    JSON.stringify({ id: `chunked-${i}`, title: `Widget ${i} in graph learning`, abstract: `We study widget ${i}. It helps message passing by ${i} points.`, source: 'test' }),
  );
  writeFileSync(join(dir, 'papers.jsonl'), `${lines.join('\n')}\n`);
}

describe('a build embedding in chunks', () => {
  it('keeps the next chunk under way while the last is finishing, and embeds each paper once', async () => {
    const sources = tempDir();
    writePapers(sources);
    const config = testConfig(tempDir(), { PAPERSCOUT_SOURCES: sources });
    const { embedder, seen } = countingEmbedder();
    const { snapshot, report } = await buildFromSources(config, embedder, modelFingerprint(config, DIMENSION), undefined, quietLogger());
    try {
      expect(report.embedded).toBe(PAPERS);
      expect(seen.passages).toBe(PAPERS);
      expect(seen.calls).toBe(3);
      expect(seen.mostRunning).toBe(2);
      expect(snapshot.count).toBe(PAPERS);
    } finally {
      snapshot.close();
    }
  });

  it('fails once every chunk under way has settled, and keeps their vectors for the next build', async () => {
    const sources = tempDir();
    writePapers(sources);
    const config = testConfig(tempDir(), { PAPERSCOUT_SOURCES: sources });
    const fingerprint = modelFingerprint(config, DIMENSION);
    const failing = countingEmbedder(2);
    await expect(buildFromSources(config, failing.embedder, fingerprint, undefined, quietLogger())).rejects.toThrow('embedding thread failed in the test');
    // The build waited for the chunks under way: none was still running when it gave up.
    expect(failing.seen.running).toBe(0);
    // The first and third chunks were saved to the cache; the next build embeds the second only.
    const retry = countingEmbedder();
    const { snapshot, report } = await buildFromSources(config, retry.embedder, fingerprint, undefined, quietLogger());
    try {
      expect(report.embedded).toBe(512);
      expect(snapshot.count).toBe(PAPERS);
    } finally {
      snapshot.close();
    }
  });
});
