/**
 * Serves the real Hugging Face days on 127.0.0.1 as `GET /api/daily_papers`, for measuring a backfill:
 *   npx tsx tests/setup/serve-real-days.ts [port]
 * then `HF_API_BASE=http://127.0.0.1:<port> paperscout fetch --since 2024-05-27 --date 2026-08-21`.
 */
import { startHfServer } from './hf-server.js';
import { realDays } from './real-days.js';

const server = await startHfServer(realDays(), Number(process.argv[2] ?? 0));
process.stdout.write(`${server.url}\n`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
