/**
 * `translate --broker` naming a broker that is not there (a typo in the port, a broker not started yet): the instance
 * says at once why it cannot connect, and Ctrl-C or `docker stop` (SIGTERM) ends it while it is still starting. Before,
 * nothing was said for 10 s (the retained-topic read waited, its errors unreported), the first warning blamed the
 * retained topics, and a signal in those 10 s was only obeyed after them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliProcess } from '../../helpers/cli-process.ts';
import { freePort } from '../../helpers/mosquitto.ts';
import { until } from '../../helpers/wait.ts';

const started: CliProcess[] = [];
afterAll(() => started.forEach((cli) => cli.kill()));

async function translateToNowhere(): Promise<CliProcess> {
  const url = `mqtt://127.0.0.1:${await freePort()}`; // free, so nothing listens there
  const cli = runCli(['translate', '--broker', url, '--instance-id', 'nowhere', '--health', 'off']);
  started.push(cli);
  return cli;
}

describe('translate: a broker that cannot be reached', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'says why while starting, and %s during the start ends it with exit 0 before the retained-topic wait',
    async (signal) => {
      const cli = await translateToNowhere();
      await until(() => cli.stderr().includes('connection refused'), 'the broker problem in the log', 30_000);
      expect(cli.stderr()).toContain('is the broker running, and is the port right?');
      cli.child.kill(signal);
      expect(await cli.exited).toBe(0);
      expect(cli.stderr()).toContain('stopping');
      // The 10 s wait for the retained topics never ran out: the signal ended it.
      expect(cli.stderr()).not.toContain('retained topics not read');
    },
    60_000,
  );
});
