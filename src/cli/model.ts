import type { EngineConfig } from '../config.js';
import { isModelProvisioned } from '../embedding/embedder.js';
import { resolveModelId } from '../embedding/models.js';
import { provisionFromMaven } from '../embedding/provision.js';
import { join } from 'node:path';

export async function provisionModel(config: EngineConfig, model: string | undefined, mavenRepository: string | undefined, log: (line: string) => void): Promise<void> {
  await provisionFromMaven(model ? resolveModelId(model) : config.model.id, config.modelsDir, { mavenRepository, dtype: config.dtype, log });
}

export function modelStatus(config: EngineConfig): string {
  const { id } = config.model;
  if (isModelProvisioned(config.modelsDir, id, config.dtype)) return `${id}: ready in ${join(config.modelsDir, id)}`;
  return config.offline
    ? `${id}: not provisioned, and offline mode is on. Run \`npm run model:offline\`.`
    : `${id}: not provisioned yet; the first run downloads it from the Hugging Face hub (or run \`npm run model:offline\`).`;
}
