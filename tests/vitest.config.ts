import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    // Real-model tests build indexes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      // Pure tests: no model, no seed index, so they run on a clone where no model was ever provisioned.
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'model',
          // Everything else: integration, quality and e2e (and any new folder, which is safe by default).
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/unit/**'],
          // Builds the seed index with the real model once; stops the run if the model is missing.
          globalSetup: ['tests/setup/global.ts'],
        },
      },
    ],
  },
});
