import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { askIsPublic } from '../../src/bot/commands/ask-reply.js';
import { decodeButton, decodeModal, encodeButton, encodeModal, questionHash, turnsHash, type ModalAction } from '../../src/bot/custom-ids.js';
import { renderAsk, turnsFromMessage, turnsOf } from '../../src/bot/render/ask.js';
import { renderPaperAnswer } from '../../src/bot/render/paper-answer.js';
import { FOLLOW_UP_FIELD, renderRefineModal } from '../../src/bot/render/refine.js';
import { renderSettings } from '../../src/bot/render/settings.js';
import { BotState } from '../../src/bot/state/bot-state.js';
import { DEFAULT_SETTINGS, type SettingsStore } from '../../src/bot/state/settings.js';
import type { PaperAnswer } from '../../src/engine/results.js';
import { createLogger } from '../../src/log.js';
import { askResult, customIds, expectWithinDiscordLimits, paperDetail, unescaped, visibleTexts } from './bot-fixtures.js';

const FIRST = 'how do MLPs scale on vision tasks?';
const FOLLOW_UP = 'what about for language models?';

describe('follow-up custom ids', () => {
  it('round-trip Refine buttons and their modals, public and private, within 100 characters', () => {
    for (const isPublic of [true, false]) {
      const refine = { kind: 'refine' as const, questionHash: turnsHash([FIRST, FOLLOW_UP]), isPublic, total: 10 };
      const modal: ModalAction = { ...refine, kind: 'followUp' };
      expect(decodeButton(encodeButton(refine))).toEqual(refine);
      expect(decodeModal(encodeModal(modal))).toEqual(modal);
      expect(encodeButton(refine).length).toBeLessThanOrEqual(100);
    }
    expect(encodeButton({ kind: 'refine', questionHash: 'abcdef0123', isPublic: false, total: 5 })).toBe('refine:abcdef0123:me:5');
    expect(encodeModal({ kind: 'followUp', questionHash: 'abcdef0123', isPublic: true, total: 5 })).toBe('fu:abcdef0123:pub:5');
  });

  it.each(['refine:abcdef0123:pub', 'refine:abcdef012:pub:5', 'refine:abcdef0123:all:5', 'refine:abcdef0123:pub:0', 'refine:abcdef0123:pub:51', 'refine:abcdef0123:pub:5:x'])(
    'rejects the malformed button id %s',
    (id) => expect(decodeButton(id)).toBeUndefined(),
  );

  it.each(['fu:abcdef0123:me', 'fu:ABCDEF0123:me:5', 'refine:abcdef0123:me:5', 'nonsense', ''])('rejects the malformed modal id %s', (id) =>
    expect(decodeModal(id)).toBeUndefined(),
  );

  it('hashes one question as itself, so replies from before follow-ups keep their buttons', () => {
    expect(turnsHash([FIRST])).toBe(questionHash(FIRST));
    expect(turnsHash([FIRST, FOLLOW_UP])).not.toBe(turnsHash([FOLLOW_UP, FIRST]));
  });
});

describe('a follow-up reply', () => {
  const result = askResult(5, { query: FOLLOW_UP, context: [FIRST] });

  it('shows the first question, then the follow-up, and reads both back for its buttons', () => {
    const payload = renderAsk({ result, total: 10 });
    expectWithinDiscordLimits(payload);
    expect(payload.content.split('\n').slice(0, 2)).toEqual([`🔎 ${FIRST}`, `↳ ${FOLLOW_UP}`]);
    const turns = turnsFromMessage(payload.content);
    expect(turns).toEqual(turnsOf(result));
    expect(turns).toEqual([FIRST, FOLLOW_UP]);
    const hash = turnsHash(turns!);
    expect(customIds(payload)).toEqual(expect.arrayContaining([`ask:${hash}:5:10`, `refine:${hash}:pub:10`]));
  });

  it('keeps its questions literal and unable to ping, and round-trips them', () => {
    const hostile = { query: '@everyone **refine** <@123>', context: ['first `code` ||spoiler|| \\ [x](https://e.example)', '↳ not a prefix'] };
    const payload = renderAsk({ result: askResult(3, hostile), total: 3 });
    for (const text of visibleTexts(payload)) expect(unescaped(text.replaceAll('](<https://', ']('), '@<')).toEqual([]);
    expect(turnsFromMessage(payload.content)).toEqual([...hostile.context, hostile.query]);
  });

  it('marks a private reply private in its Refine button, so its follow-up is private too', () => {
    const payload = renderAsk({ result, total: 5, isPublic: false });
    const refine = customIds(payload).map(decodeButton).find((a) => a?.kind === 'refine');
    expect(refine).toMatchObject({ isPublic: false, total: 5 });
  });
});

describe('renderRefineModal', () => {
  it('has one required text input, within Discord modal limits, routed back by its id', () => {
    const action: ModalAction = { kind: 'followUp', questionHash: turnsHash([FIRST]), isPublic: true, total: 5 };
    const modal = renderRefineModal(action, ['x'.repeat(500), FOLLOW_UP]);
    expect(decodeModal(modal.custom_id)).toEqual(action);
    expect(modal.title.length).toBeLessThanOrEqual(45);
    expect(modal.components).toHaveLength(1);
    const label = modal.components[0]!;
    expect(label.type).toBe(ComponentType.Label);
    if (label.type !== ComponentType.Label) return;
    expect(label.label.length).toBeLessThanOrEqual(45);
    expect(label.description!.length).toBeLessThanOrEqual(100);
    expect(label.component).toMatchObject({ type: ComponentType.TextInput, custom_id: FOLLOW_UP_FIELD, required: true, max_length: 1000 });
  });
});

describe('renderPaperAnswer', () => {
  const answer = (overrides: Partial<PaperAnswer['answer']> = {}, detail = paperDetail()): PaperAnswer => ({
    ...detail,
    answer: {
      question: 'does attention scale?',
      truncated: false,
      sentences: [
        { text: 'We study how attention scales.', matched: false },
        { text: 'We find that it scales well.', matched: true },
      ],
      ...overrides,
    },
  });

  it('bolds the answering sentence only, and puts the full abstract behind a button', () => {
    const payload = renderPaperAnswer(answer(), new Map());
    expectWithinDiscordLimits(payload);
    expect(payload.content).toBe('❓ does attention scale?');
    expect(payload.embeds[0]!.description).toMatch(/^We study how attention scales\. \*\*We find that it scales well\.\*\*/);
    expect(customIds(payload)).toEqual(['abs:2401.10001', 'sim:2401.10001', 'vote:2401.10001']);
    expect(customIds(renderPaperAnswer(answer()))).toEqual(['abs:2401.10001', 'sim:2401.10001']);
  });

  it('stays within limits and mentions no one for hostile, huge papers and questions', () => {
    const huge = '@everyone <@1> **x** '.repeat(400);
    const payload = renderPaperAnswer(
      answer({ question: huge.slice(0, 1000), truncated: true, sentences: [{ text: huge, matched: true }] }, paperDetail({ title: huge, authors: [huge] })),
      new Map(),
    );
    expectWithinDiscordLimits(payload);
    expect(payload.content).toContain('only its beginning');
    for (const text of visibleTexts(payload)) expect(unescaped(text, '@<')).toEqual([]);
  });
});

describe('settings', () => {
  const open = (dir: string) => BotState.open(dir, createLogger({ level: 'silent' }));

  it('defaults every server to public, keeps each server apart, and survives a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperscout-settings-'));
    const state = open(dir);
    expect(state.settings.get('g1')).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.askVisibility).toBe('public');
    expect(state.settings.update('g1', { askVisibility: 'private' })).toEqual({ askVisibility: 'private' });
    expect(state.settings.update('g1', {})).toEqual({ askVisibility: 'private' });
    expect(state.settings.get('g2').askVisibility).toBe('public');
    state.close();
    const reopened = open(dir);
    expect(reopened.settings.get('g1').askVisibility).toBe('private');
    reopened.close();
  });

  it('lets the asker decide, else the server, else public (outside a server)', () => {
    const ctx = { settings: { get: () => ({ askVisibility: 'private' as const }) } as unknown as SettingsStore };
    expect(askIsPublic(null, 'g1', ctx)).toBe(false);
    expect(askIsPublic(true, 'g1', ctx)).toBe(true);
    expect(askIsPublic(false, null, ctx)).toBe(false);
    expect(askIsPublic(null, null, ctx)).toBe(true);
  });

  it('renders the setting within limits', () => {
    const saved = renderSettings({ askVisibility: 'private' }, true);
    expectWithinDiscordLimits(saved);
    expect(saved.embeds[0]!.title).toContain('saved');
    expect(saved.embeds[0]!.fields![0]!.value).toContain('**private**');
    expect(renderSettings(DEFAULT_SETTINGS, false).embeds[0]!.fields![0]!.value).toContain('**public**');
  });
});
