import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton, questionHash, type ButtonAction } from '../../src/bot/custom-ids.js';

describe('questionHash', () => {
  it('is 10 lowercase hex characters, stable, and differs between questions', () => {
    const hash = questionHash('how do MLPs scale?');
    expect(hash).toMatch(/^[0-9a-f]{10}$/);
    expect(questionHash('how do MLPs scale?')).toBe(hash);
    expect(questionHash('how do MLPs scale')).not.toBe(hash);
    expect(questionHash('')).toMatch(/^[0-9a-f]{10}$/);
  });
});

describe('encodeButton / decodeButton', () => {
  const actions: ButtonAction[] = [
    { kind: 'ask', questionHash: questionHash('q'), offset: 0, total: 10 },
    { kind: 'ask', questionHash: 'abcdef0123', offset: 1000, total: 50 },
    { kind: 'abstract', paperId: '2306.13575' },
    { kind: 'similar', paperId: '2306.13575' },
    { kind: 'abstract', paperId: 'hep-th/9901001' },
    { kind: 'similar', paperId: 'math.AG/0309136' },
    { kind: 'abstract', paperId: 'doi:10.1000/xyz:123' },
    { kind: 'similar', paperId: 'scaling-mlps-a-tale-of-inductive-bias-1a2b3c4d' },
    { kind: 'trending', date: '2024-05-02', offset: 0, limit: 10 },
    { kind: 'trending', date: '1999-12-31', offset: 9_990, limit: 20 },
    { kind: 'vote', paperId: '2306.13575' },
    { kind: 'ask', questionHash: 'abcdef0123', offset: 5, total: 10, hasCode: true },
    { kind: 'vote', paperId: 'cond-mat/0102536' },
  ];

  it.each(actions)('round-trips %o', (action) => {
    const id = encodeButton(action);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(decodeButton(id)).toEqual(action);
  });

  it('uses short, distinct prefixes per kind', () => {
    expect(encodeButton({ kind: 'ask', questionHash: 'abcdef0123', offset: 5, total: 10 })).toBe('ask:abcdef0123:5:10');
    expect(encodeButton({ kind: 'abstract', paperId: 'x' })).toBe('abs:x');
    expect(encodeButton({ kind: 'similar', paperId: 'x' })).toBe('sim:x');
    expect(encodeButton({ kind: 'vote', paperId: 'x' })).toBe('vote:x');
    expect(encodeButton({ kind: 'trending', date: '2024-05-02', offset: 0, limit: 10 })).toBe('trend:2024-05-02:0:10');
  });

  it('round-trips the longest paper id the schema allows (64 characters)', () => {
    const paperId = `${'a'.repeat(30)}:${'b'.repeat(15)}/${'c'.repeat(17)}`;
    expect(paperId).toHaveLength(64);
    for (const kind of ['abstract', 'similar', 'vote'] as const) expect(decodeButton(encodeButton({ kind, paperId }))).toEqual({ kind, paperId });
  });

  it('throws when an id would pass 100 characters', () => {
    expect(() => encodeButton({ kind: 'abstract', paperId: 'x'.repeat(97) })).toThrow(/custom_id longer than 100/);
    expect(() => encodeButton({ kind: 'similar', paperId: 'x'.repeat(96) })).not.toThrow();
    expect(encodeButton({ kind: 'similar', paperId: 'x'.repeat(96) })).toHaveLength(100);
  });

  it.each([
    ['empty', ''],
    ['unknown kind', 'foo:bar'],
    ['kind only', 'ask'],
    ['kind in capitals', 'ABS:2306.13575'],
    ['empty paper id (abstract)', 'abs:'],
    ['empty paper id (similar)', 'sim:'],
    ['empty paper id (vote)', 'vote:'],
    ['hash too short', 'ask:abcdef012:0:10'],
    ['hash too long', 'ask:abcdef01234:0:10'],
    ['hash not hex', 'ask:abcdefghij:0:10'],
    ['hash in capitals', 'ask:ABCDEF0123:0:10'],
    ['missing hash', 'ask::0:10'],
    ['non-numeric offset', 'ask:abcdef0123:x:10'],
    ['negative offset', 'ask:abcdef0123:-5:10'],
    ['fractional offset', 'ask:abcdef0123:1.5:10'],
    ['exponent offset', 'ask:abcdef0123:1e3:10'],
    ['empty offset', 'ask:abcdef0123::10'],
    ['offset too big', 'ask:abcdef0123:1001:10'],
    ['huge offset', 'ask:abcdef0123:99999999999999999999:10'],
    ['zero total', 'ask:abcdef0123:0:0'],
    ['total too big', 'ask:abcdef0123:0:51'],
    ['huge total', 'ask:abcdef0123:0:1000000'],
    ['missing total', 'ask:abcdef0123:0'],
    ['extra field (ask)', 'ask:abcdef0123:0:10:1'],
    ['unknown filter (ask)', 'ask:abcdef0123:0:10:codes'],
    ['two filters (ask)', 'ask:abcdef0123:0:10:code:code'],
    ['trailing colon (ask)', 'ask:abcdef0123:0:10:'],
    ['padded number', 'ask:abcdef0123: 5:10'],
    ['bad date', 'trend:2024-5-2:0:10'],
    ['date with time', 'trend:2024-05-02T00:0:10'],
    ['missing date', 'trend::0:10'],
    ['trending offset too big', 'trend:2024-05-02:10001:10'],
    ['zero limit', 'trend:2024-05-02:0:0'],
    ['limit above the 20 per page /trending allows', 'trend:2024-05-02:0:21'],
    ['limit too big', 'trend:2024-05-02:0:26'],
    ['non-numeric limit', 'trend:2024-05-02:0:ten'],
    ['extra field (trending)', 'trend:2024-05-02:0:10:x'],
    ['missing limit', 'trend:2024-05-02:0'],
  ])('rejects a malformed or forged id: %s', (_name, id) => {
    expect(decodeButton(id)).toBeUndefined();
  });

  it('accepts the largest offsets the decoder allows (1000 for /ask, 10000 for /trending)', () => {
    // The bounds passed to the parser are 1000 and 10_000, but it also requires at most 4 digits.
    expect(decodeButton('ask:abcdef0123:1000:50')).toEqual({ kind: 'ask', questionHash: 'abcdef0123', offset: 1000, total: 50 });
    expect(decodeButton('trend:2024-05-02:10000:20')).toEqual({ kind: 'trending', date: '2024-05-02', offset: 10_000, limit: 20 });
  });
});
