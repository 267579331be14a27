import { describe, expect, it } from 'vitest';
import { runCli } from '../setup/cli.js';
import { startHfServer } from '../setup/hf-server.js';

describe('paperscout fetch against a rate-limiting server', () => {
  it('says on stderr that a retry is pending, and when, at the default log level', async () => {
    const hf = await startHfServer();
    try {
      hf.fault('2025-03-14', { status: 429, retryAfter: '1' });
      const run = await runCli(['fetch', '--date', '2025-03-14'], { env: { HF_API_BASE: hf.url } });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('2025-03-14: 3 papers');
      expect(run.stderr).toMatch(/^paperscout: HTTP 429 from http:\/\/127\.0\.0\.1:\d+\/api\/daily_papers\?date=2025-03-14\S*; retry 1 of 4 in [12] s, at \d\d:\d\d:\d\d UTC$/m);
    } finally {
      await hf.close();
    }
  });

  it('gives up on a day whose Retry-After is past HF_RETRY_MAX_WAIT_SECONDS, saying so', async () => {
    const hf = await startHfServer();
    try {
      hf.fault('2025-03-14', { status: 429, retryAfter: '999999' });
      const run = await runCli(['fetch', '--date', '2025-03-14'], { env: { HF_API_BASE: hf.url, HF_RETRY_MAX_WAIT_SECONDS: '30' }, timeoutMs: 30_000 });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^2025-03-14: failed \(.*Retry-After: 999999.*HF_RETRY_MAX_WAIT_SECONDS.*\); nothing changed$/m);
      expect(hf.requests).toHaveLength(1);
    } finally {
      await hf.close();
    }
  });
});
