import { describe, expect, it } from 'vitest';
import { codeField, resourceFields, resourcesNote } from '../../src/bot/render/resources.js';
import { HUB_LIST_LIMIT } from '../../src/feed/hub-client.js';

const fetchedAt = new Date('2025-03-12T10:00:00Z');
const found = (models: number, stale = false) => ({
  status: 'found' as const,
  stale,
  fetchedAt,
  resources: { models: Array.from({ length: models }, (_, i) => ({ id: `org/model_${i}`, likes: 100 - i })), datasets: [], spaces: [{ id: 'me/demo' }] },
});

describe('resources in /paper', () => {
  it('names the five most liked of each kind, escaped and linked, with the count and a link to them all', () => {
    const [models, spaces] = resourceFields(found(7), 'https://huggingface.co/papers/2503.08638');
    expect(models!.name).toBe('Models citing it (7)');
    expect(models!.value.split('\n')).toHaveLength(6);
    expect(models!.value).toMatch(/^\[org\/model\\_0\]\(https:\/\/huggingface\.co\/org\/model_0\) ♥ 100\n/);
    expect(models!.value).toMatch(/\n\[all 7 on Hugging Face\]\(https:\/\/huggingface\.co\/papers\/2503\.08638\)$/);
    expect(spaces).toEqual({ name: 'Spaces citing it (1)', value: '[me/demo](https://huggingface.co/spaces/me/demo)', inline: true });
  });

  it('says 50+ at the page limit, and one line when nothing cites the paper', () => {
    expect(resourceFields(found(HUB_LIST_LIMIT), undefined)[0]!.name).toBe(`Models citing it (${HUB_LIST_LIMIT}+)`);
    const none = { ...found(0), resources: { models: [], datasets: [], spaces: [] } };
    expect(resourceFields(none, undefined)).toEqual([{ name: 'On the Hugging Face Hub', value: 'No models, datasets or Spaces cite it yet.' }]);
  });

  it('shows a pending lookup, and nothing but a footer note when the Hub is unreachable or the lists are old', () => {
    expect(resourceFields('pending', undefined)[0]!.value).toMatch(/^Looking up/);
    expect(resourceFields({ status: 'unavailable', reason: 'x' }, undefined)).toEqual([]);
    expect(resourcesNote({ status: 'unavailable', reason: 'x' })).toBe('Hugging Face Hub unreachable: models, datasets and Spaces not shown');
    expect(resourcesNote(found(1, true))).toBe('Hub lists from 2025-03-12 (the Hub did not answer)');
    expect(resourcesNote(found(1))).toBeUndefined();
    expect(resourceFields(undefined, undefined)).toEqual([]);
  });

  it('shows the repository by name and the project page', () => {
    expect(codeField({ primary: 'x', github: 'https://github.com/org/my_repo', project: 'https://example.org/p' })!.value).toBe(
      '[org/my\\_repo](https://github.com/org/my_repo) · [project page](https://example.org/p)',
    );
    expect(codeField({ primary: 'x', github: 'https://gitlab.com/org/repo' })!.value).toBe('[repository](https://gitlab.com/org/repo)');
    expect(codeField({ primary: 'x' })).toBeUndefined();
  });
});
