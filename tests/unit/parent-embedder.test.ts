import { describe, expect, it } from 'vitest';
import { ModelUnavailableError, serializeError } from '../../src/errors.js';
import { ParentEmbedder, type EmbedRequest } from '../../src/engine/parent-embedder.js';

describe('a build thread\'s embedder (the parent embeds)', () => {
  const passage = { text: 'A title. One sentence.', sentences: [{ start: 9, end: 22 }] };

  it('sends each request with an id and resolves it with the vectors that come back for that id', async () => {
    const sent: EmbedRequest[] = [];
    const embedder = new ParentEmbedder((request) => sent.push(request), 3);
    const first = embedder.embedWithSentences([passage]);
    const second = embedder.embedWithSentences([passage, passage]);
    expect(sent.map((r) => r.passages.length)).toEqual([1, 2]);
    const [a, b] = sent as [EmbedRequest, EmbedRequest];
    expect(a.id).not.toBe(b.id);
    const vectors = (n: number) => Array.from({ length: n }, () => ({ passage: new Float32Array([1, 0, 0]), sentences: [new Float32Array([0, 1, 0])] }));
    embedder.receive({ type: 'embedded', id: b.id, vectors: vectors(2) });
    embedder.receive({ type: 'embedded', id: a.id, vectors: vectors(1) });
    expect(await second).toHaveLength(2);
    expect(await first).toHaveLength(1);
    expect(embedder.dimension).toBe(3);
  });

  it('reports progress against its own request, and revives a failure with its class and fields', async () => {
    const sent: EmbedRequest[] = [];
    const embedder = new ParentEmbedder((request) => sent.push(request), 3);
    const progress: [number, number][] = [];
    const embedding = embedder.embedWithSentences([passage, passage], (done, total) => progress.push([done, total]));
    const { id } = sent[0]!;
    embedder.receive({ type: 'embed-progress', id, done: 1 });
    embedder.receive({ type: 'embed-progress', id: id + 1, done: 9 }); // another request's: not ours
    embedder.receive({ type: 'embed-failed', id, error: serializeError(new ModelUnavailableError('m', 'gone')) });
    const error = await embedding.catch((e: unknown) => e);
    expect(progress).toEqual([[1, 2]]);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect(error).toMatchObject({ code: 'model-unavailable', modelId: 'm' });
  });

  it('rejects at once when its signal is aborted, and drops the vectors that come later', async () => {
    const sent: EmbedRequest[] = [];
    const embedder = new ParentEmbedder((request) => sent.push(request), 3);
    const stop = new AbortController();
    const embedding = embedder.embedWithSentences([passage], undefined, stop.signal);
    stop.abort(new Error('the build gave up'));
    await expect(embedding).rejects.toThrow('the build gave up');
    // The parent's late answer finds no request waiting for it.
    expect(() => embedder.receive({ type: 'embedded', id: sent[0]!.id, vectors: [] })).not.toThrow();
    // Already aborted: nothing is sent.
    await expect(embedder.embedWithSentences([passage], undefined, stop.signal)).rejects.toThrow('the build gave up');
    expect(sent).toHaveLength(1);
  });
});
