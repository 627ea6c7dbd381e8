/**
 * How long gateway messages may have waited at the broker for this instance. A probe on the instance's own topic,
 * subscribed on the same session, queues at the broker behind the gateway messages, so every message handled after a
 * probe came back reached the broker after that probe was sent. The rule (`delayed`): a reading that may have waited
 * longer than `maxDelayMs` goes to `late`, since another instance may have published its meter's next reading meanwhile.
 */
import type { MqttClient } from 'mqtt';

/** Time between two probes (several are in flight while messages wait): how stale the proof can be, ms. */
const PROBE_SPACING_MS = 100;
/** Probes in flight at most (a broker that stopped answering is not sent more). */
const MAX_PROBES = 100;

export class DelayProbe {
  /** Every message handled now reached the broker after this local time (ms): when the last probe back was sent. */
  private arrivedAfter = -Infinity;
  /** Probes sent on this connection and not back yet, oldest first. */
  private probes: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private ended = false;

  constructor(
    /** Five levels under the base topic, so consumers' value-topic pattern `<base>/+/+/+` never sees the probes. */
    readonly topic: string,
    private readonly send: (client: MqttClient, payload: string) => void,
  ) {}

  /** A new session holds no backlog: everything it gets reaches the broker after its subscription. */
  freshSession(nowMs: number): void {
    this.arrivedAfter = nowMs;
  }

  /** Starts probing once subscribed: a kept session delivers what queued meanwhile first. */
  start(client: MqttClient): void {
    this.probes = [];
    clearInterval(this.timer);
    this.timer = setInterval(() => this.sendProbe(client), PROBE_SPACING_MS);
    this.sendProbe(client);
  }

  /** The connection closed: no probes until the next start. */
  pause(): void {
    clearInterval(this.timer);
  }

  /** The instance stops: no probes any more. */
  end(): void {
    this.ended = true;
    clearInterval(this.timer);
  }

  /** A message on the probe topic came back. */
  returned(payload: Buffer): void {
    const text = payload.toString('utf8');
    const index = this.probes.indexOf(text);
    if (index < 0) return; // an earlier connection's probe, or someone else's message
    this.probes.splice(0, index + 1);
    this.arrivedAfter = Number(text.slice(0, text.indexOf(':')));
  }

  /** The rule: a message handled at nowMs may have waited at the broker longer than maxDelayMs. */
  delayed(nowMs: number, maxDelayMs: number): boolean {
    return nowMs - this.arrivedAfter > maxDelayMs;
  }

  private sendProbe(client: MqttClient): void {
    if (!client.connected || this.ended || this.probes.length >= MAX_PROBES) return;
    const probe = `${Date.now()}:${++this.seq}`;
    this.probes.push(probe);
    this.send(client, probe);
  }
}
