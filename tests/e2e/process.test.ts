import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DigitalDiscord } from 'discord-digital-twin';
import { ChannelType } from 'discord.js';
import { seededDataDir, tempDir } from '../setup/engine.js';
import { spawnBot } from '../setup/bot-process.js';
import { ROOT } from '../setup/paths.js';

const BOT = join(ROOT, 'dist', 'bot', 'main.js');

describe('the bot process', () => {
  it('logs in, logs structured lines without the token, and stops cleanly on SIGTERM', async () => {
    const twin = new DigitalDiscord({
      channels: [{ name: 'papers', type: ChannelType.GuildText }],
      users: [{ username: 'someone' }],
      botToken: 'secret-token-that-must-never-be-logged',
      dbUrl: `file:${join(tempDir(), 'twin.db')}`,
    });
    await twin.start();
    try {
      const bot = spawnBot(twin, { PAPERSCOUT_DATA_DIR: seededDataDir(), LOG_LEVEL: 'debug' });
      await bot.logged('bot ready', 30_000);
      expect(bot.output()).toContain('"bot ready"');
      bot.child.kill('SIGTERM');
      const { code, signal } = await bot.exited;
      expect({ code, signal }, bot.output()).toEqual({ code: 0, signal: null });
      const output = bot.output();
      expect(output).toContain('"stopped"');
      const lines = output.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect(output).not.toContain(twin.botToken);
    } finally {
      await twin.stop();
      await twin.prisma.$disconnect();
    }
  });

  it('exits with a clear message when the token is missing', async () => {
    const child = spawn('node', [BOT], { cwd: tempDir(), env: { PATH: process.env.PATH } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('DISCORD_TOKEN is not set');
    expect(stderr).toContain('npx paperscout ask');
  });
});
