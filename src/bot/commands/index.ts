import type { SlashCommand } from '../context.js';
import { ask } from './ask.js';
import { digest } from './digest.js';
import { help } from './help.js';
import { paper } from './paper.js';
import { recommend } from './recommend.js';
import { reload } from './reload.js';
import { settings } from './settings.js';
import { similar } from './similar.js';
import { stats } from './stats.js';
import { subscribe, unsubscribe } from './subscribe.js';
import { trending } from './trending.js';
import { watch } from './watch.js';

export const COMMANDS: readonly SlashCommand[] = [ask, trending, paper, similar, recommend, reload, subscribe, unsubscribe, watch, digest, settings, stats, help];
