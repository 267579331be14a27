import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadEngineConfig, type EngineConfig } from '../../src/config.js';
import type { EmbedderOptions } from '../../src/embedding/embedder.js';
import { createLogger, type Logger } from '../../src/log.js';
import { MODELS, SEEDS } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data dir with the seed index already built, shared read-only by all tests. */
    seedDataDir: string;
  }
}

export function tempDir(prefix = 'paperscout-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Engine configuration for tests: a private data dir, the provisioned model, never the network. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): EngineConfig {
  return loadEngineConfig({
    PAPERSCOUT_DATA_DIR: dataDir,
    PAPERSCOUT_MODELS_DIR: MODELS,
    PAPERSCOUT_SOURCES: SEEDS,
    // Tests keep their data in temporary folders, outside the project's data/.
    PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true',
    MODEL_OFFLINE: 'true',
    ...env,
  });
}

/** Options for a TransformersEmbedder of the provisioned model: offline, batch 1, one onnxruntime thread. */
export function embedderOptions(overrides: Partial<EmbedderOptions> = {}): EmbedderOptions {
  const config = testConfig(tempDir());
  return { spec: config.model, modelsDir: MODELS, offline: true, dtype: config.dtype, batchSize: 1, threads: 1, ...overrides };
}

/** A private copy of the prebuilt seed data dir (index and embedding cache), safe to modify. */
export function seededDataDir(): string {
  const dir = tempDir();
  cpSync(inject('seedDataDir'), dir, { recursive: true });
  return dir;
}

export function quietLogger(): Logger {
  return createLogger({ level: 'silent' });
}

/** A logger whose lines are kept for assertions. */
export function capturingLogger(level = 'debug'): { log: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => raw.push(line) } });
  return { log, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
