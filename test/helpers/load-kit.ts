/**
 * What the load tests and the load benches share: the broker settings docs/broker.md gives for big backlogs, a
 * `serve` config publishing to a given broker, and a wait that ends when a count stops growing.
 */
import { freePort, startMosquitto, type Mosquitto } from './mosquitto.ts';

/** docs/broker.md, "Mosquitto settings for a big backlog": room per subscriber, and no Nagle delay on acks. */
export const BIG_BACKLOG_BROKER = ['max_queued_messages 200000', 'set_tcp_nodelay true'];

export const bigBacklogMosquitto = (extra: string[] = []): Promise<Mosquitto> =>
  startMosquitto([...BIG_BACKLOG_BROKER, ...extra]);

/** A `serve` config: output to `brokerUrl` (embedded broker off), the UI on a free port, Swiss meter clocks. */
export async function serveConfig(
  brokerUrl: string,
  config: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return {
    broker: { url: brokerUrl },
    embeddedBroker: { enabled: false },
    ui: { port: await freePort() },
    timeZone: 'Europe/Zurich',
    ...config,
  };
}

/**
 * Waits until `done()` holds, or until `count()` has not grown for `quietMs` (the rest is not coming), or until the
 * deadline; says which. A wait, never an assertion on time.
 */
export async function settle(
  done: () => boolean,
  count: () => number,
  quietMs: number,
  deadlineMs: number,
): Promise<'done' | 'quiet' | 'deadline'> {
  const deadline = Date.now() + deadlineMs;
  let last = count();
  let lastChange = Date.now();
  for (;;) {
    if (done()) return 'done';
    const now = Date.now();
    if (count() !== last) [last, lastChange] = [count(), now];
    if (now - lastChange >= quietMs) return 'quiet';
    if (now >= deadline) return 'deadline';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs `look` until `check` accepts what it returned, for at most `timeoutMs`; returns the last look either way. */
export async function lookUntil<T>(look: () => Promise<T>, check: (seen: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = await look();
  while (!check(seen) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await look();
  }
  return seen;
}
