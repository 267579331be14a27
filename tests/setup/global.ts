import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { Engine } from '../../src/engine/engine.js';
import { isModelProvisioned } from '../../src/embedding/embedder.js';
import { createLogger } from '../../src/log.js';
import { tempDir, testConfig } from './engine.js';
import { MODELS } from './paths.js';

/** Builds the seed index once with the real model; tests copy it instead of embedding again. */
export async function setup(project: TestProject): Promise<() => void> {
  if (!isModelProvisioned(MODELS, 'Xenova/all-MiniLM-L6-v2', 'q8')) {
    throw new Error(`The embedding model is not in ${MODELS}. Run \`npm run model:offline\` first.`);
  }
  const dir = tempDir('paperscout-seed-');
  const engine = await Engine.open(testConfig(dir), { log: createLogger({ level: 'silent' }) });
  await engine.close();
  project.provide('seedDataDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
