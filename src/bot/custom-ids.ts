import { createHash } from 'node:crypto';
import { LIMITS } from './render/text.js';

/**
 * Buttons carry all their state in custom_id, so they work after a restart and across processes.
 * Format: `<kind>:<fields…>`, routed on the kind. The question of an /ask page is too long for an id;
 * it lives in the message text, and the id holds its hash so a tampered or stale message is caught.
 * A follow-up's questions (the first one, then the follow-ups) are hashed together the same way.
 */
export type ButtonAction =
  | { kind: 'ask'; questionHash: string; offset: number; total: number; /** `has_code:true`: only papers with a repository. */ hasCode?: boolean }
  | { kind: 'refine'; questionHash: string; isPublic: boolean; total: number }
  | { kind: 'abstract'; paperId: string }
  | { kind: 'similar'; paperId: string }
  | { kind: 'trending'; date: string; offset: number; limit: number }
  | { kind: 'vote'; paperId: string };

export function questionHash(question: string): string {
  return createHash('sha256').update(question).digest('hex').slice(0, 10);
}

/** The hash of a reply's questions, first question first; one question hashes as itself. */
export function turnsHash(turns: readonly string[]): string {
  return questionHash(turns.join('\n'));
}

/** The modal a Refine button opens: its submission is routed on this id, which carries the button's state. */
export type ModalAction = { kind: 'followUp'; questionHash: string; isPublic: boolean; total: number };

const visibility = (isPublic: boolean) => (isPublic ? 'pub' : 'me');

function checked(id: string): string {
  if (id.length > LIMITS.customId) throw new Error(`custom_id longer than ${LIMITS.customId}: ${id}`);
  return id;
}

export function encodeModal(action: ModalAction): string {
  return checked(`fu:${action.questionHash}:${visibility(action.isPublic)}:${action.total}`);
}

export function encodeButton(action: ButtonAction): string {
  const id = (() => {
    switch (action.kind) {
      case 'ask':
        return `ask:${action.questionHash}:${action.offset}:${action.total}${action.hasCode ? ':code' : ''}`;
      case 'refine':
        return `refine:${action.questionHash}:${visibility(action.isPublic)}:${action.total}`;
      case 'abstract':
        return `abs:${action.paperId}`;
      case 'similar':
        return `sim:${action.paperId}`;
      case 'trending':
        return `trend:${action.date}:${action.offset}:${action.limit}`;
      case 'vote':
        return `vote:${action.paperId}`;
    }
  })();
  return checked(id);
}

const count = (text: string | undefined, max: number): number | undefined => {
  if (!text || !/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
};

const isHash = (text: string | undefined): text is string => Boolean(text && /^[0-9a-f]{10}$/.test(text));

/** The fields of a follow-up id after its kind (`<hash>:pub|me:<total>`), or undefined if malformed. */
function followUpFields(rest: readonly string[]): { questionHash: string; isPublic: boolean; total: number } | undefined {
  const [hash, shown, total] = rest;
  const t = count(total, 50);
  if (!isHash(hash) || (shown !== 'pub' && shown !== 'me') || !t || rest.length !== 3) return undefined;
  return { questionHash: hash, isPublic: shown === 'pub', total: t };
}

/** Parses a modal's custom_id; undefined for anything unknown or malformed. */
export function decodeModal(customId: string): ModalAction | undefined {
  const [kind, ...rest] = customId.split(':');
  const fields = kind === 'fu' ? followUpFields(rest) : undefined;
  return fields && { kind: 'followUp', ...fields };
}

/** Parses a custom_id; undefined for anything unknown or malformed (old versions, forgeries). */
export function decodeButton(customId: string): ButtonAction | undefined {
  const [kind, ...rest] = customId.split(':');
  const tail = rest.join(':');
  switch (kind) {
    case 'ask': {
      const [hash, offset, total, filter] = rest;
      const o = count(offset, 1000);
      const t = count(total, 50);
      if (!isHash(hash) || o === undefined || !t || rest.length > 4 || (rest.length === 4 && filter !== 'code')) return undefined;
      return { kind: 'ask', questionHash: hash, offset: o, total: t, ...(filter && { hasCode: true }) };
    }
    case 'refine': {
      const fields = followUpFields(rest);
      return fields && { kind: 'refine', ...fields };
    }
    case 'abs':
      return tail ? { kind: 'abstract', paperId: tail } : undefined;
    case 'sim':
      return tail ? { kind: 'similar', paperId: tail } : undefined;
    case 'vote':
      return tail ? { kind: 'vote', paperId: tail } : undefined;
    case 'trend': {
      const [date, offset, limit] = rest;
      const o = count(offset, 10_000);
      const l = count(limit, 20);
      if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || o === undefined || !l || rest.length !== 3) return undefined;
      return { kind: 'trending', date, offset: o, limit: l };
    }
    default:
      return undefined;
  }
}
