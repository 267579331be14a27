import type { GuildSettings } from '../state/settings.js';
import { COLORS, message, type MessagePayload } from './payload.js';

const VISIBILITY_TEXT = {
  public: '**public**: answers are posted in the channel',
  private: '**private**: answers are shown only to the asker',
} as const;

/** This server's settings, after a change or on request; shown only to the admin. */
export function renderSettings(settings: GuildSettings, changed: boolean): MessagePayload {
  return message({
    embeds: [
      {
        title: changed ? '✅ Settings saved' : 'paperscout settings for this server',
        color: changed ? COLORS.ok : COLORS.brand,
        fields: [{ name: '/ask visibility', value: `${VISIBILITY_TEXT[settings.askVisibility]}. Anyone can still pass \`public:true\` or \`public:false\`.` }],
      },
    ],
  });
}
