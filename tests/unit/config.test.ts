import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envWith, loadAnswerLlmConfig, loadCliConfig, loadEngineConfig, loadLogLevel, loadModelName, showsStackTraces } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { UserError } from '../../src/errors.js';

const cwd = '/srv/paperscout';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadEngineConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEngineConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadEngineConfig({}, cwd);
    expect(config).toMatchObject({
      dataDir: resolve(cwd, 'data'),
      sourcePaths: [resolve(cwd, 'seeds')],
      modelsDir: resolve(cwd, 'data/models'),
      model: { id: 'Xenova/all-MiniLM-L6-v2', pooling: 'mean', maxTokens: 256, queryPrefix: '', passagePrefix: '' },
      dtype: 'q8',
      offline: false,
      threads: 0,
      hnsw: { m: 16, efConstruction: 200, efSearch: 512 },
      logLevel: 'info',
    });
    // Tuning values: any sane default will do.
    expect(config.batchSize).toBe(1);
    expect(config.lowConfidenceThreshold).toBeGreaterThanOrEqual(0);
    expect(config.lowConfidenceThreshold).toBeLessThanOrEqual(1);
  });

  it('resolves paths against cwd, splits sources on commas and defaults models under the data dir', () => {
    const allow = { PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true' };
    const config = loadEngineConfig({ ...allow, PAPERSCOUT_DATA_DIR: 'var/ps', PAPERSCOUT_SOURCES: ' a.jsonl, ,/abs/b ,' }, cwd);
    expect(config.dataDir).toBe('/srv/paperscout/var/ps');
    expect(config.sourcePaths).toEqual(['/srv/paperscout/a.jsonl', '/abs/b']);
    expect(config.modelsDir).toBe('/srv/paperscout/var/ps/models');
    expect(loadEngineConfig({ ...allow, PAPERSCOUT_MODELS_DIR: 'm' }, cwd).modelsDir).toBe('/srv/paperscout/m');
    expect(loadEngineConfig({ PAPERSCOUT_SOURCES: 'seeds/a.txt,data/feed' }, cwd).sourcePaths).toEqual(['/srv/paperscout/seeds/a.txt', '/srv/paperscout/data/feed']);
  });

  it('resolves the bge-small alias with its query prefix and cls pooling', () => {
    const { model } = loadEngineConfig({ EMBEDDING_MODEL: 'bge-small' }, cwd);
    expect(model).toEqual({
      id: 'Xenova/bge-small-en-v1.5',
      pooling: 'cls',
      maxTokens: 512,
      queryPrefix: 'Represent this sentence for searching relevant passages: ',
      passagePrefix: '',
    });
    expect(loadEngineConfig({ EMBEDDING_MODEL: 'BAAI/bge-small-en-v1.5' }, cwd).model.id).toBe('Xenova/bge-small-en-v1.5');
    expect(loadEngineConfig({ EMBEDDING_MODEL: 'MiniLM' }, cwd).model.id).toBe('Xenova/all-MiniLM-L6-v2');
  });

  it('gives an unknown hub model mean pooling, 512 tokens and no prefixes, unless told otherwise', () => {
    expect(loadEngineConfig({ EMBEDDING_MODEL: 'someone/my-embedder' }, cwd).model).toEqual({
      id: 'someone/my-embedder',
      pooling: 'mean',
      maxTokens: 512,
      queryPrefix: '',
      passagePrefix: '',
    });
    const custom = loadEngineConfig(
      { EMBEDDING_MODEL: 'someone/my-embedder', EMBEDDING_POOLING: 'cls', EMBEDDING_MAX_TOKENS: '128', EMBEDDING_QUERY_PREFIX: 'query: ', EMBEDDING_PASSAGE_PREFIX: 'passage: ' },
      cwd,
    );
    expect(custom.model).toEqual({ id: 'someone/my-embedder', pooling: 'cls', maxTokens: 128, queryPrefix: 'query: ', passagePrefix: 'passage: ' });
  });

  it('coerces numbers and booleans', () => {
    const config = loadEngineConfig(
      { HNSW_M: '32', HNSW_EF_SEARCH: '100', EMBEDDING_BATCH_SIZE: '4', PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'yes', LOW_CONFIDENCE_THRESHOLD: '0.42', EMBEDDING_DTYPE: 'fp32', LOG_LEVEL: 'warn' },
      cwd,
    );
    expect(config.hnsw).toEqual({ m: 32, efConstruction: 200, efSearch: 100 });
    expect(config.batchSize).toBe(4);
    expect(config.dataDir).toBe(resolve(cwd, 'data'));
    expect(config.lowConfidenceThreshold).toBe(0.42);
    expect(config.dtype).toBe('fp32');
    expect(config.logLevel).toBe('warn');
  });

  it('names every bad variable at once, with its value', () => {
    const error = configError({ HNSW_M: 'abc', EMBEDDING_DTYPE: 'int4', EMBEDDING_BATCH_SIZE: '0', LOG_LEVEL: 'loud' });
    expect(error).toBeInstanceOf(UserError);
    expect(error.problems).toHaveLength(4);
    expect(error.message).toContain('HNSW_M');
    expect(error.message).toContain('"abc"');
    expect(error.message).toContain('EMBEDDING_DTYPE');
    expect(error.message).toContain('"int4"');
    expect(error.message).toContain('EMBEDDING_BATCH_SIZE');
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.problems.find((p) => p.startsWith('HNSW_M:'))).toMatch(/\(got "abc"\)$/);
  });

  it('rejects out-of-range numbers and non-integers', () => {
    const error = configError({ HNSW_M: '2', HNSW_EF_SEARCH: '64.5', LOW_CONFIDENCE_THRESHOLD: '1.5', EMBEDDING_MAX_TOKENS: '4' });
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['EMBEDDING_MAX_TOKENS', 'HNSW_EF_SEARCH', 'HNSW_M', 'LOW_CONFIDENCE_THRESHOLD']);
  });

  it('rejects a boolean it does not understand', () => {
    const error = configError({ MODEL_OFFLINE: 'maybe' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^MODEL_OFFLINE: .*\(got "maybe"\)$/);
  });

  it('treats empty strings as unset', () => {
    const config = loadEngineConfig(
      { PAPERSCOUT_DATA_DIR: '', HNSW_M: '', EMBEDDING_DTYPE: '', EMBEDDING_MODEL: '', LOW_CONFIDENCE_THRESHOLD: '', LOG_LEVEL: '', EMBEDDING_QUERY_PREFIX: '' },
      cwd,
    );
    expect(config).toEqual(loadEngineConfig({}, cwd));
  });

  it('goes offline with MODEL_OFFLINE or HF_HUB_OFFLINE', () => {
    expect(loadEngineConfig({ MODEL_OFFLINE: 'true' }, cwd).offline).toBe(true);
    expect(loadEngineConfig({ MODEL_OFFLINE: '1' }, cwd).offline).toBe(true);
    expect(loadEngineConfig({ HF_HUB_OFFLINE: '1' }, cwd).offline).toBe(true);
    expect(loadEngineConfig({ MODEL_OFFLINE: '', HF_HUB_OFFLINE: '1' }, cwd).offline).toBe(true);
    expect(loadEngineConfig({ MODEL_OFFLINE: 'false' }, cwd).offline).toBe(false);
    expect(loadEngineConfig({ HF_HUB_OFFLINE: '0' }, cwd).offline).toBe(false);
  });

  it('downloads models from the hub, or the mirror HF_ENDPOINT names, and refuses an endpoint that is no URL', () => {
    expect(loadEngineConfig({}, cwd).modelHub).toBe('https://huggingface.co');
    expect(loadEngineConfig({ HF_ENDPOINT: 'https://hf-mirror.example/' }, cwd).modelHub).toBe('https://hf-mirror.example');
    expect(configError({ HF_ENDPOINT: 'hf-mirror' }).problems.map((p) => p.split(':')[0])).toEqual(['HF_ENDPOINT']);
  });

  it('keeps configured paths inside data/ and seeds/ unless explicitly allowed', () => {
    const error = configError({ PAPERSCOUT_DATA_DIR: '/var/lib/elsewhere', PAPERSCOUT_SOURCES: 'seeds,../../etc', PAPERSCOUT_MODELS_DIR: 'data/models' });
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^PAPERSCOUT_DATA_DIR: \/var\/lib\/elsewhere is outside data\/ and seeds\//);
    expect(error.problems[1]).toMatch(/^PAPERSCOUT_SOURCES: .*etc is outside/);
    expect(error.message).toContain('PAPERSCOUT_ALLOW_EXTERNAL_PATHS=true');
    const allowed = loadEngineConfig({ PAPERSCOUT_DATA_DIR: '/var/lib/elsewhere', PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true' }, cwd);
    expect(allowed.dataDir).toBe('/var/lib/elsewhere');
  });
});

describe('the other settings', () => {
  it('defaults the log level per program, an empty LOG_LEVEL counting as unset', () => {
    for (const env of [{}, { LOG_LEVEL: '' }]) {
      expect(loadLogLevel('bot', env)).toBe('info');
      expect(loadLogLevel('cli', env)).toBe('warn');
      expect(loadLogLevel('fetch', env)).toBe('error');
    }
    expect(loadLogLevel('fetch', { LOG_LEVEL: 'debug' })).toBe('debug');
    expect(() => loadLogLevel('cli', { LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('shows stack traces at LOG_LEVEL=debug only, and never throws', () => {
    expect(showsStackTraces({ LOG_LEVEL: 'debug' })).toBe(true);
    expect(showsStackTraces({ LOG_LEVEL: 'trace' })).toBe(false);
    expect(showsStackTraces({ LOG_LEVEL: 'loud' })).toBe(false);
    expect(showsStackTraces({})).toBe(false);
  });

  it('turns colours off for any NO_COLOR but an empty one, and passes MAVEN_REPO_LOCAL on', () => {
    expect(loadCliConfig({})).toEqual({ color: true, mavenRepository: undefined });
    expect(loadCliConfig({ NO_COLOR: '', MAVEN_REPO_LOCAL: '' })).toEqual({ color: true, mavenRepository: undefined });
    expect(loadCliConfig({ NO_COLOR: '1', MAVEN_REPO_LOCAL: '/m2' })).toEqual({ color: false, mavenRepository: '/m2' });
  });

  it('gives the model name as written, minilm by default, and lets eval override variables', () => {
    expect(loadModelName({})).toBe('minilm');
    expect(loadModelName({ EMBEDDING_MODEL: '' })).toBe('minilm');
    expect(loadModelName({ EMBEDDING_MODEL: 'bge-small' })).toBe('bge-small');
    expect(envWith({ EMBEDDING_MODEL: 'bge-small' }, { EMBEDDING_MODEL: 'minilm', HNSW_M: '8' })).toEqual({ EMBEDDING_MODEL: 'bge-small', HNSW_M: '8' });
  });
});

describe('loadAnswerLlmConfig', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadAnswerLlmConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  it('is off when ANSWER_LLM_URL is unset or empty, and the engine config has none', () => {
    expect(loadAnswerLlmConfig({})).toBeUndefined();
    expect(loadAnswerLlmConfig({ ANSWER_LLM_URL: '', ANSWER_LLM_MODEL: '', ANSWER_LLM_KEY: '' })).toBeUndefined();
    expect(loadEngineConfig({}, cwd).answerLlm).toBeUndefined();
  });

  it('takes the base URL, with or without a trailing slash or /chat/completions, the model, the key and a 30 s timeout', () => {
    const env = { ANSWER_LLM_URL: 'http://127.0.0.1:11434/v1/', ANSWER_LLM_MODEL: 'llama3.2' };
    expect(loadAnswerLlmConfig(env)).toEqual({ url: 'http://127.0.0.1:11434/v1', model: 'llama3.2', key: undefined, timeoutMs: 30_000 });
    expect(loadAnswerLlmConfig({ ...env, ANSWER_LLM_URL: 'https://llm.example/v1/chat/completions' })!.url).toBe('https://llm.example/v1');
    expect(loadAnswerLlmConfig({ ...env, ANSWER_LLM_KEY: 'sk-secret', ANSWER_LLM_TIMEOUT_SECONDS: '5' })).toMatchObject({ key: 'sk-secret', timeoutMs: 5000 });
    expect(loadEngineConfig(env, cwd).answerLlm).toEqual(loadAnswerLlmConfig(env));
  });

  it('refuses a URL that is not an http(s) base URL, naming the variable', () => {
    for (const url of ['localhost:11434', 'ftp://host/v1', 'http://user:pass@host/v1', 'http://host/v1?x=1']) {
      expect(problems({ ANSWER_LLM_URL: url, ANSWER_LLM_MODEL: 'm' })[0]).toMatch(/^ANSWER_LLM_URL: must be the http\(s\) base URL/);
    }
  });

  it('wants the model with the URL, and the URL with the model', () => {
    expect(problems({ ANSWER_LLM_URL: 'http://127.0.0.1:8080/v1' })).toEqual([expect.stringMatching(/^ANSWER_LLM_MODEL: required with ANSWER_LLM_URL/)]);
    expect(problems({ ANSWER_LLM_MODEL: 'llama3.2' })).toEqual([expect.stringMatching(/^ANSWER_LLM_MODEL: is set, but ANSWER_LLM_URL is not/)]);
  });

  it('bounds the timeout to 1..600 s', () => {
    const env = { ANSWER_LLM_URL: 'http://127.0.0.1:8080/v1', ANSWER_LLM_MODEL: 'm' };
    expect(problems({ ...env, ANSWER_LLM_TIMEOUT_SECONDS: '0' })[0]).toMatch(/^ANSWER_LLM_TIMEOUT_SECONDS: /);
    expect(problems({ ...env, ANSWER_LLM_TIMEOUT_SECONDS: '601' })[0]).toMatch(/^ANSWER_LLM_TIMEOUT_SECONDS: /);
  });
});
