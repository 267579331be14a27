import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from './models.js';
import { poolAndNormalize } from './pooling.js';
import { ModelUnavailableError } from '../errors.js';

export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  /** Embeds a search question, with the model's query prefix. */
  embedQuery(text: string): Promise<Float32Array>;
  /** Embeds documents, with the model's passage prefix, in batches. */
  embedPassages(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface EmbedderOptions {
  spec: Omit<ModelSpec, 'dimension'>;
  /** Where provisioned models live (`<dir>/<model id>/...`) and hub downloads are cached. */
  modelsDir: string;
  /** Never contact the Hugging Face hub. */
  offline: boolean;
  dtype: 'q8' | 'fp32' | 'fp16';
  batchSize: number;
  /** onnxruntime intra-op threads; 0 lets onnxruntime decide. */
  threads: number;
  /** Called with download progress on a first run. */
  onDownload?: (file: string, percent: number) => void;
}

const HUB_TIMEOUT_MS = 15_000;

/** Points transformers.js at our folders; returns the set of files it ends up fetching from the hub. */
function configureTransformers(options: EmbedderOptions): Set<string> {
  env.localModelPath = options.modelsDir + '/';
  env.cacheDir = join(options.modelsDir, 'hub-cache');
  env.allowLocalModels = true;
  env.allowRemoteModels = !options.offline;
  const downloaded = new Set<string>();
  const baseFetch = globalThis.fetch;
  env.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const file = /\/resolve\/[^/]+\/(.+)$/.exec(url)?.[1];
    if (file) downloaded.add(decodeURIComponent(file));
    // An unreachable hub should fail in seconds with a clear message, not hang.
    return baseFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(HUB_TIMEOUT_MS) });
  };
  return downloaded;
}

/** The files transformers.js needs that are missing from a model's folder. */
export function missingModelFiles(modelsDir: string, modelId: string, dtype: EmbedderOptions['dtype']): string[] {
  const onnx = dtype === 'q8' ? 'model_quantized.onnx' : dtype === 'fp16' ? 'model_fp16.onnx' : 'model.onnx';
  return ['config.json', 'tokenizer.json', `onnx/${onnx}`].filter((file) => !existsSync(join(modelsDir, modelId, file)));
}

export function isModelProvisioned(modelsDir: string, modelId: string, dtype: EmbedderOptions['dtype']): boolean {
  return missingModelFiles(modelsDir, modelId, dtype).length === 0;
}

export class TransformersEmbedder implements Embedder {
  private constructor(
    private readonly options: EmbedderOptions,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    public readonly dimension: number,
  ) {}

  get modelId(): string {
    return this.options.spec.id;
  }

  static async load(options: EmbedderOptions): Promise<TransformersEmbedder> {
    const downloaded = configureTransformers(options);
    const { id } = options.spec;
    // transformers.js reports progress for local files too; only real downloads are worth showing.
    const progress_callback = (event: { status: string; file?: string; progress?: number }) => {
      if (event.status === 'progress' && event.file && downloaded.has(event.file)) options.onDownload?.(event.file, event.progress ?? 0);
    };
    try {
      const tokenizer = await AutoTokenizer.from_pretrained(id, { progress_callback });
      const model = await AutoModel.from_pretrained(id, {
        dtype: options.dtype,
        progress_callback,
        session_options: options.threads > 0 ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {},
      });
      const probe = new TransformersEmbedder(options, tokenizer, model, 0);
      const [vector] = await probe.embedBatch(['dimension probe']);
      return new TransformersEmbedder(options, tokenizer, model, vector!.length);
    } catch (error) {
      if (error instanceof ModelUnavailableError) throw error;
      const message = (error as Error).message ?? String(error);
      const folder = join(options.modelsDir, id);
      const missing = missingModelFiles(options.modelsDir, id, options.dtype);
      const where = !missing.length
        ? `the files under ${folder} are present but unusable (${message}); delete that folder and provision again`
        : existsSync(folder)
          ? `${folder} lacks ${missing.join(', ')}; delete that folder and provision again`
          : options.offline
            ? `it is not under ${folder} and offline mode forbids downloading it`
            : `it is not under ${folder} and downloading it failed (${message})`;
      throw new ModelUnavailableError(id, where);
    }
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([this.options.spec.queryPrefix + text]);
    return vector!;
  }

  async embedPassages(
    texts: readonly string[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<Float32Array[]> {
    const prefix = this.options.spec.passagePrefix;
    // Batches of similar length waste little work on padding.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    const { batchSize } = this.options;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const embedded = await this.embedBatch(batch.map((i) => prefix + texts[i]));
      batch.forEach((textIndex, j) => (vectors[textIndex] = embedded[j]!));
      onProgress?.(Math.min(start + batchSize, order.length), order.length);
    }
    return vectors;
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const inputs = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.options.spec.maxTokens });
    const output = await this.model(inputs);
    const hidden = output.last_hidden_state ?? output.token_embeddings;
    const [batch, tokens, dimension] = hidden.dims as [number, number, number];
    return poolAndNormalize(
      hidden.data as Float32Array,
      inputs.attention_mask.data as BigInt64Array,
      { batch, tokens, dimension },
      this.options.spec.pooling,
    );
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
