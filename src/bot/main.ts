#!/usr/bin/env node
import 'dotenv/config';
import { loadBotConfig, loadEngineConfig, loadFeedConfig, loadLogLevel, showsStackTraces } from '../config.js';
import { Engine } from '../engine/engine.js';
import { UserError } from '../errors.js';
import { createLogger } from '../log.js';
import { startBot, type RunningBot } from './bot.js';
import { stopOnSignals } from './shutdown.js';

/** The bot process: load the index once, log in, answer until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadBotConfig();
  const engineConfig = loadEngineConfig();
  const feed = loadFeedConfig();
  const log = createLogger({ level: loadLogLevel('bot'), secrets: [config.token, engineConfig.answerLlm?.key] });
  let lastLogged = 0;
  let engine: Engine | undefined;
  let bot: RunningBot | undefined;
  // Listening before anything starts: a signal during start-up (as soon as "bot ready" is logged, or
  // before) stops what has started so far, instead of Node's default of dying mid-step.
  stopOnSignals(log, async (onStep) => {
    await bot?.stop(onStep);
    onStep('closing the index');
    await engine?.close();
  });
  engine = await Engine.open(engineConfig, {
    log,
    // Reloads (by /reload or the daily refresh) build in a worker thread, so interactions never wait on them.
    buildInThread: true,
    onModelDownload: (file, percent) => {
      if (percent < 100 && Date.now() - lastLogged < 2000) return;
      lastLogged = Date.now();
      log.info({ file, percent: Math.round(percent) }, 'downloading the model from the Hugging Face hub');
    },
  });
  const opened = engine;
  bot = await startBot({ engine: opened, config, feed, dataDir: engineConfig.dataDir, log }).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
}

main().catch((error: unknown) => {
  const message = error instanceof UserError ? error.message : `${(error as Error).message ?? error} (unexpected; run with LOG_LEVEL=debug for details)`;
  process.stderr.write(`paperscout bot: ${message}\n`);
  if (!(error instanceof UserError) && showsStackTraces()) process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
