import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPairs } from '../../src/eval/followups-run.js';

describe('tests/eval/followups.jsonl', () => {
  const pairs = readPairs('tests/eval/followups.jsonl');
  const seedIds = new Set(
    readFileSync('seeds/seed-arxiv-ids.tsv', 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t')[1]),
  );

  it('holds at least 8 distinct pairs, each answered by seed papers', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    expect(new Set(pairs.map((p) => `${p.first}\n${p.followUp}`)).size).toBe(pairs.length);
    for (const pair of pairs) for (const id of pair.expected) expect(seedIds.has(id), `${id} (${pair.followUp})`).toBe(true);
  });
});
