/** A broker that cannot be reached is logged once per failed attempt, not once per state change of that attempt. */
import { afterEach, expect, it } from 'vitest';
import { freePort } from '../../helpers/mosquitto.ts';
import { cleanupList, startBridge, waitFor } from './bridge-kit.ts';

const cleanup = cleanupList();
afterEach(() => cleanup.run());

it('logs each failed broker attempt once', async () => {
  const { service, log } = await startBridge(cleanup, `mqtt://127.0.0.1:${await freePort()}`, {});
  // The view carries the connection's whole state; the api types only what the UI shows.
  const failed = () => (service.snapshot()?.broker as { failedAttempts?: number } | undefined)?.failedAttempts ?? 0;
  await waitFor(() => failed() >= 4, 'four failed attempts');
  const attempts = failed();
  const lines = log.filter((line) => line.includes('connection refused'));
  expect(lines.length).toBeGreaterThanOrEqual(attempts - 1);
  expect(lines.length).toBeLessThanOrEqual(attempts);
});
