import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SEEDS = `${ROOT}seeds`;
export const MODELS = `${ROOT}data/models`;
export const SEED_PAGE = `${SEEDS}/000_4d376526676ddc50.txt`;
