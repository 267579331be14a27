import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { onnxFileName, type Dtype } from './models.js';
import { singleTextGraph } from './single-text-graph.js';

/** The file name transformers.js is given for the single-text graph (it adds the dtype's suffix). */
export const SINGLE_TEXT_MODEL = 'model_single_text';

const modifiedMs = (path: string) => statSync(path).mtimeMs;

/**
 * Makes sure a model's single-text graph (single-text-graph.ts) lies in `<modelsDir>/<id>/onnx/`, where
 * transformers.js looks first, deriving it from the weights (provisioned there, or downloaded into
 * the hub cache) when it is missing or older than they are. Returns whether it is there: it is not
 * when the weights are not there yet, their graph does not have the shape the rewrite expects, or the
 * folder cannot be written; the original graph then serves every run.
 */
export async function ensureSingleTextGraph(modelsDir: string, modelId: string, dtype: Dtype): Promise<boolean> {
  const file = join('onnx', onnxFileName(dtype));
  const source = [join(modelsDir, modelId, file), join(modelsDir, 'hub-cache', modelId, file)].find((path) => existsSync(path));
  if (!source) return false;
  const target = join(modelsDir, modelId, 'onnx', onnxFileName(dtype, SINGLE_TEXT_MODEL));
  if (existsSync(target) && modifiedMs(target) >= modifiedMs(source)) return true;
  try {
    const rewritten = singleTextGraph(await readFile(source));
    if (!rewritten) return false;
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, rewritten);
    return true;
  } catch {
    // Unreadable weights fail their own load with a clear message; an unwritable folder costs speed only.
    return false;
  }
}
