import { AutoModel, AutoTokenizer, env, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '../text/sentences.js';
import { meanRows, planPassage, type PassagePlan, type Specials } from './late-chunking.js';
import { onnxFileName, type Dtype, type ModelSpec } from './models.js';
import { normalizeInPlace, poolAndNormalize, type HiddenShape } from './pooling.js';
import { ModelUnavailableError } from '../errors.js';
import { ensureSingleTextGraph, SINGLE_TEXT_MODEL } from './single-text-file.js';

/** A passage and its sentences, as offsets into its text. */
export interface PassageWithSentences {
  text: string;
  sentences: readonly Span[];
}

export interface PassageVectors {
  /** The passage's vector, as embedPassages gives it. */
  passage: Float32Array;
  /** One vector per sentence, pooled from the passage's own forward pass (late chunking). */
  sentences: Float32Array[];
}

/** What an index build needs of a model: the vectors of passages and of their sentences. */
export interface PassageEmbedder {
  readonly dimension: number;
  /**
   * Embeds passages and their sentences, with one forward pass per passage (two or more past the
   * model's length). Aborting `signal` stops it between passages, rejecting with the signal's reason.
   */
  embedWithSentences(passages: readonly PassageWithSentences[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<PassageVectors[]>;
  /**
   * Gets ready for embedWithSentences without waiting (an embedder with threads starts them), so
   * that a build that is about to embed does not wait for them later. Does nothing if ready.
   */
  warm(): void;
}

export interface Embedder extends PassageEmbedder {
  readonly modelId: string;
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
  /** Where models are downloaded from, without a trailing slash. Default: `https://huggingface.co`. */
  modelHub?: string;
  dtype: Dtype;
  batchSize: number;
  /** onnxruntime intra-op threads; 0 lets onnxruntime decide. */
  threads: number;
  /**
   * Runs each single text on the model's single-text graph (single-text-graph.ts): the same vectors,
   * about an eighth faster. Batches of several texts, padded, always run on the original graph.
   * Default: true.
   */
  singleTextGraph?: boolean;
  /** Called with download progress on a first run. */
  onDownload?: (file: string, percent: number) => void;
}

const HUB_TIMEOUT_MS = 15_000;

/** One model input of a late-chunked passage: a window of its content tokens, framed by special tokens. */
interface WindowJob {
  passage: number;
  window: number;
  ids: number[];
}

/** The special tokens the tokenizer frames a single text with. */
export function specialsOf(tokenizer: PreTrainedTokenizer): Specials {
  const plain = tokenizer.encode('probe', { add_special_tokens: false });
  const framed = tokenizer.encode('probe', { add_special_tokens: true });
  const at = framed.findIndex((_, i) => plain.every((id, j) => framed[i + j] === id));
  return { lead: framed.slice(0, at), tail: framed.slice(at + plain.length) };
}

/** Points transformers.js at our folders; returns the set of files it ends up fetching from the hub. */
function configureTransformers(options: EmbedderOptions): Set<string> {
  env.localModelPath = options.modelsDir + '/';
  env.cacheDir = join(options.modelsDir, 'hub-cache');
  env.allowLocalModels = true;
  env.allowRemoteModels = !options.offline;
  env.remoteHost = `${options.modelHub ?? 'https://huggingface.co'}/`;
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
  return ['config.json', 'tokenizer.json', `onnx/${onnxFileName(dtype)}`].filter((file) => !existsSync(join(modelsDir, modelId, file)));
}

export function isModelProvisioned(modelsDir: string, modelId: string, dtype: EmbedderOptions['dtype']): boolean {
  return missingModelFiles(modelsDir, modelId, dtype).length === 0;
}

/** How an embedder's models load: the one single texts run on, and the original graph for batches. */
interface Models {
  single: PreTrainedModel;
  /** Loads the original graph the first time a batch of several texts needs it; undefined when single is it. */
  loadBatch?: () => Promise<PreTrainedModel>;
}

/**
 * The single-text graph, with the original for batches, or the original alone. Weights that come from
 * the hub are there to derive the single-text graph from only once the original has loaded them.
 */
async function loadModels(options: EmbedderOptions, loadModel: (fileName?: string) => Promise<PreTrainedModel>): Promise<Models> {
  const original = () => loadModel();
  const { modelsDir, spec, dtype } = options;
  // A graph onnxruntime refuses costs speed, not the load: the original graph serves instead.
  const loadSingle = async () =>
    options.singleTextGraph !== false && (await ensureSingleTextGraph(modelsDir, spec.id, dtype)) ? await loadModel(SINGLE_TEXT_MODEL).catch(() => undefined) : undefined;
  let single = await loadSingle();
  if (!single) {
    const model = await original();
    single = await loadSingle();
    if (!single) return { single: model };
    await model.dispose();
  }
  return { single, loadBatch: original };
}

export class TransformersEmbedder implements Embedder {
  private readonly specials: Specials;
  private batchModel: Promise<PreTrainedModel> | undefined;

  private constructor(
    private readonly options: EmbedderOptions,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly models: Models,
    public readonly dimension: number,
  ) {
    this.specials = specialsOf(tokenizer);
  }

  get modelId(): string {
    return this.options.spec.id;
  }

  /** Whether single texts run on the single-text graph (false when the model's graph could not be rewritten). */
  get singleTextGraph(): boolean {
    return this.models.loadBatch !== undefined;
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
      const loadModel = (model_file_name?: string) =>
        AutoModel.from_pretrained(id, {
          dtype: options.dtype,
          progress_callback,
          session_options: options.threads > 0 ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {},
          ...(model_file_name ? { model_file_name } : {}),
        });
      const models = await loadModels(options, loadModel);
      const probe = new TransformersEmbedder(options, tokenizer, models, 0);
      const [vector] = await probe.embedBatch(['dimension probe']);
      return new TransformersEmbedder(options, tokenizer, models, vector!.length);
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

  /** Nothing to start: the model is loaded. */
  warm(): void {}

  async embedWithSentences(
    passages: readonly PassageWithSentences[],
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<PassageVectors[]> {
    const { passagePrefix: prefix, maxTokens, pooling } = this.options.spec;
    const { lead } = this.specials;
    const encode = (text: string) => this.tokenizer.encode(text, { add_special_tokens: false });
    const jobs: WindowJob[] = [];
    const chunked = passages.map((p, passage): PassagePlan => {
      const plan = planPassage(p, prefix, encode, this.specials, maxTokens);
      plan.inputs.forEach((ids, window) => jobs.push({ passage, window, ids }));
      return plan;
    });
    const results = passages.map((p): PassageVectors => ({ passage: new Float32Array(0), sentences: new Array(p.sentences.length) }));
    // Batches of similar length waste little work on padding.
    jobs.sort((a, b) => a.ids.length - b.ids.length);
    const { batchSize } = this.options;
    for (let start = 0; start < jobs.length; start += batchSize) {
      signal?.throwIfAborted();
      const batch = jobs.slice(start, start + batchSize);
      const { hidden, mask, shape } = await this.forward(this.inputsFor(batch.map((job) => job.ids)));
      // Only a first window gives a passage vector; later ones give sentence vectors alone.
      const pooled = batch.some((job) => job.window === 0) ? poolAndNormalize(hidden, mask, shape, pooling) : [];
      batch.forEach((job, row) => {
        const { windows, sentences, pooledFrom, exact } = chunked[job.passage]!;
        const window = windows[job.window]!;
        if (job.window === 0 && exact) results[job.passage]!.passage = pooled[row]!;
        const rows = hidden.subarray(row * shape.tokens * shape.dimension, (row + 1) * shape.tokens * shape.dimension);
        sentences.forEach((sentence, i) => {
          if (pooledFrom[i] !== job.window) return;
          const from = lead.length + Math.max(sentence.start, window.start) - window.start;
          const to = lead.length + Math.min(sentence.end, window.end) - window.start;
          if (to > from) results[job.passage]!.sentences[i] = normalizeInPlace(meanRows(rows, from, to, shape.dimension));
        });
      });
      onProgress?.(Math.floor((passages.length * Math.min(start + batchSize, jobs.length)) / jobs.length), passages.length);
    }
    // Rare leftovers get runs of their own: a passage the sentence cuts tokenize differently, and a
    // sentence of no tokens at all.
    for (const [passage, { exact }] of chunked.entries()) {
      const result = results[passage]!;
      if (!exact) result.passage = (await this.embedBatch([prefix + passages[passage]!.text]))[0]!;
      for (const [i, span] of passages[passage]!.sentences.entries()) {
        if (!result.sentences[i]) result.sentences[i] = (await this.embedBatch([prefix + passages[passage]!.text.slice(span.start, span.end)]))[0]!;
      }
    }
    return results;
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const inputs = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.options.spec.maxTokens });
    const { hidden, mask, shape } = await this.forward(inputs);
    return poolAndNormalize(hidden, mask, shape, this.options.spec.pooling);
  }

  /** Model inputs for token ids already framed by special tokens, padded to the longest. */
  private inputsFor(rows: readonly number[][]): Record<string, Tensor> {
    const tokens = Math.max(...rows.map((ids) => ids.length));
    const ids = new BigInt64Array(rows.length * tokens);
    const mask = new BigInt64Array(rows.length * tokens);
    rows.forEach((row, b) =>
      row.forEach((id, t) => {
        ids[b * tokens + t] = BigInt(id);
        mask[b * tokens + t] = 1n;
      }),
    );
    const dims = [rows.length, tokens];
    return {
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
      token_type_ids: new Tensor('int64', new BigInt64Array(rows.length * tokens), dims),
    };
  }

  /** The model for a batch of `rows` texts: the single-text graph takes one text only. */
  private modelFor(rows: number): PreTrainedModel | Promise<PreTrainedModel> {
    const { single, loadBatch } = this.models;
    if (rows === 1 || !loadBatch) return single;
    this.batchModel ??= loadBatch();
    return this.batchModel;
  }

  private async forward(inputs: Record<string, Tensor>): Promise<{ hidden: Float32Array; mask: BigInt64Array; shape: HiddenShape }> {
    const model = await this.modelFor(inputs.input_ids!.dims[0]!);
    const output = await model(inputs);
    const hidden = output.last_hidden_state ?? output.token_embeddings;
    const [batch, tokens, dimension] = hidden.dims as [number, number, number];
    return { hidden: hidden.data as Float32Array, mask: inputs.attention_mask!.data as BigInt64Array, shape: { batch, tokens, dimension } };
  }

  async dispose(): Promise<void> {
    await this.models.single.dispose();
    await (await this.batchModel)?.dispose();
  }
}
