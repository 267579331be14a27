import { describe, expect, it } from 'vitest';
import { limitSciFact, parseSciFact } from '../../src/eval/scifact.js';

const files = {
  corpus: [
    { id: '11', title: 'Aspirin and the heart', abstract: 'Background sentence here. Aspirin lowers the risk of stroke in adults.' },
    { id: '22', title: 'Vitamin D', abstract: 'Vitamin D does not prevent fractures.' },
    { id: '33', title: 'Unrelated', abstract: 'Nothing to see here at all.' },
  ]
    .map((d) => JSON.stringify(d))
    .join('\n'),
  queries: [
    { id: '1', q: 'Aspirin prevents stroke.', split: 'dev' },
    { id: '2', q: 'Vitamin D prevents fractures.', split: 'train' },
    { id: '3', q: 'A claim without judgements.', split: 'dev' },
  ]
    .map((q) => JSON.stringify(q))
    .join('\n'),
  qrels: '1\t11\n1\t33\n2\t22\n',
  evidence: [
    { query_id: '1', doc_id: '11', split: 'dev', label: 'SUPPORT', sentences: ['Aspirin lowers the risk of stroke in adults.'] },
    { query_id: '1', doc_id: '11', split: 'dev', label: 'SUPPORT', sentences: ['Background sentence here.'] },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n'),
};

describe('SciFact loader', () => {
  it('maps the corpus to papers with the abstract kept as written', () => {
    const { papers } = parseSciFact(files, 'dev');
    expect(papers).toEqual([
      { id: '11', title: 'Aspirin and the heart', abstract: 'Background sentence here. Aspirin lowers the risk of stroke in adults.', source: 'scifact' },
      { id: '22', title: 'Vitamin D', abstract: 'Vitamin D does not prevent fractures.', source: 'scifact' },
      { id: '33', title: 'Unrelated', abstract: 'Nothing to see here at all.', source: 'scifact' },
    ]);
  });

  it('keeps the claims of one split that have qrels, with their relevant docs and joined rationales', () => {
    const { claims } = parseSciFact(files, 'dev');
    expect(claims).toHaveLength(1);
    expect(claims[0]!.id).toBe('1');
    expect(claims[0]!.text).toBe('Aspirin prevents stroke.');
    expect([...claims[0]!.relevant]).toEqual(['11', '33']);
    expect(claims[0]!.rationales.get('11')).toEqual(['Aspirin lowers the risk of stroke in adults.', 'Background sentence here.']);
    expect(parseSciFact(files, 'train').claims.map((c) => c.id)).toEqual(['2']);
  });

  it('reports a malformed line with its file and line number', () => {
    expect(() => parseSciFact({ ...files, corpus: '{"id":"1"}' }, 'dev')).toThrow(/corpus\.jsonl, line 1/);
  });

  it('a limited set keeps the asked claims\' relevant docs before any other', () => {
    const set = parseSciFact(files, 'dev');
    const limited = limitSciFact(set, { docs: 1, claims: 1 });
    expect(limited.papers.map((p) => p.id)).toEqual(['11', '33']);
    expect(limitSciFact(parseSciFact(files, 'train'), { docs: 2 }).papers.map((p) => p.id)).toEqual(['11', '22']);
  });
});
