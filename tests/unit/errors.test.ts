import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  IndexLoadError,
  InvalidQuestionError,
  ModelUnavailableError,
  NoPapersError,
  PathOutsideError,
  ReloadCancelledError,
  ReloadInProgressError,
  reviveError,
  SentenceStoreFormatError,
  serializeError,
  UnknownPaperError,
  UserError,
  type SerializedError,
} from '../../src/errors.js';

/** Sends an error through a real message port, as a worker thread's postMessage would (structured clone). */
async function acrossThreads(error: unknown): Promise<Error> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<SerializedError>((resolve) => port2.once('message', resolve));
  port1.postMessage(serializeError(error));
  const data = await received;
  port1.close();
  return reviveError(data);
}

describe('error classes', () => {
  it.each([
    [new UserError('bad input'), 'user-error'],
    [new UnknownPaperError('cooking'), 'unknown-paper'],
    [new ReloadInProgressError(), 'reload-in-progress'],
    [new ReloadCancelledError(), 'reload-cancelled'],
    [new InvalidQuestionError('empty'), 'invalid-question'],
    [new NoPapersError(['seeds'], []), 'no-papers'],
    [new ModelUnavailableError('Xenova/x', 'gone'), 'model-unavailable'],
    [new PathOutsideError('/etc/passwd', ['data']), 'path-outside'],
    [new IndexLoadError('corrupt', 'broken'), 'index-load'],
    [new SentenceStoreFormatError('not a store'), 'sentence-store-format'],
  ])('%s has the stable code %s and is named after its class', (error, code) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
  });

  it('names the sources and the first problems when there are no papers', () => {
    const error = new NoPapersError(['seeds', 'extra'], ['a.jsonl, line 1: bad', 'b.jsonl, line 2: worse']);
    expect(error.message).toBe('No papers found in seeds, extra. Problems:\na.jsonl, line 1: bad\nb.jsonl, line 2: worse');
  });
});

describe('an error crossing a worker thread', () => {
  it('keeps the class, the code, the message and the detail', async () => {
    const revived = await acrossThreads(new NoPapersError(['seeds', 'data/feed'], ['x.jsonl, line 3: no id']));
    expect(revived).toBeInstanceOf(NoPapersError);
    expect(revived).toBeInstanceOf(UserError);
    expect(revived).toMatchObject({ code: 'no-papers', name: 'NoPapersError', sources: ['seeds', 'data/feed'], problems: ['x.jsonl, line 3: no id'] });
    expect(revived.message).toBe('No papers found in seeds, data/feed. Problems:\nx.jsonl, line 3: no id');
  });

  it('keeps an error that is not a UserError as such, with its detail and stack', async () => {
    const original = new IndexLoadError('mismatch', 'built with another model');
    const revived = await acrossThreads(original);
    expect(revived).toBeInstanceOf(IndexLoadError);
    expect(revived).not.toBeInstanceOf(UserError);
    expect(revived).toMatchObject({ code: 'index-load', problem: 'mismatch', message: 'built with another model' });
    expect(revived.stack).toBe(original.stack);
  });

  it('keeps the model id of a model that cannot be loaded', async () => {
    const revived = await acrossThreads(new ModelUnavailableError('Xenova/all-MiniLM-L6-v2', 'tokenizer.json is missing'));
    expect(revived).toBeInstanceOf(ModelUnavailableError);
    expect(revived).toMatchObject({ modelId: 'Xenova/all-MiniLM-L6-v2', code: 'model-unavailable' });
    expect(revived.message).toContain('tokenizer.json is missing');
  });

  it('revives a UserError subclass it does not know as a UserError with its code and detail', async () => {
    class ElsewhereError extends UserError {
      override readonly code = 'elsewhere';
      readonly where = 'config';
    }
    const revived = await acrossThreads(new ElsewhereError('set FOO'));
    expect(revived).toBeInstanceOf(UserError);
    expect(revived).toMatchObject({ code: 'elsewhere', where: 'config', message: 'set FOO', name: 'ElsewhereError' });
  });

  it('revives a plain Error as an Error, and a thrown non-error as its text', async () => {
    const plain = await acrossThreads(new Error('onnxruntime failed'));
    expect(plain).not.toBeInstanceOf(UserError);
    expect(plain.message).toBe('onnxruntime failed');
    expect((await acrossThreads('just a string')).message).toBe('just a string');
  });
});
