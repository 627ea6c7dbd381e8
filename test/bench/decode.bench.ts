/**
 * `npm run bench`: decode throughput per protocol, measured side by side in one run, and reported as ratios to a
 * baseline measured in the same run (machines are shared and noisy: absolute figures vary, ratios much less).
 * Workloads: the meter simulator's own output (always), plus the shared corpus's real captures when present.
 */
import { createCipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aesGcmEncrypt } from '../../shared/crypto/gcm.ts';
import { harmonize } from '../../shared/profile/index.ts';
import { createDecoder, type ProtocolChoice } from '../../shared/protocols/decode.ts';
import type { DecoderOptions, Protocol } from '../../shared/protocols/types.ts';
import { Household, SIMULATED_METERS } from '../../shared/simulator/index.ts';

const BUDGET_MS = Number(process.env.BENCH_MS ?? 200);
/** Each comparison is measured in alternating rounds and the median ratio reported, so load spikes hit both sides. */
const ROUNDS = 5;
const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);

interface Workload {
  name: string;
  protocol: Protocol;
  options: DecoderOptions;
  /** Streams, each decoded by a fresh decoder (captures of different meters do not share one). */
  streams: Uint8Array[];
  messages: number;
}

function simulated(model: string, protocol: Protocol, count = 200): Workload {
  const meter = SIMULATED_METERS[model]!({ key, authKey });
  if (meter.kind !== 'wire') throw new Error(`${model} is not a wire meter`);
  const household = new Household(1_780_000_000, 3);
  const parts = Array.from({ length: count }, (_, i) =>
    meter.render(household.at(1_780_000_000 + i * meter.interval), i),
  );
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (stream.set(p, at), at + p.length), 0);
  return { name: `simulated ${model}`, protocol, options: { key, authKey }, streams: [stream], messages: count };
}

/** The corpus's unencrypted captures of one protocol that decode completely. */
function corpusWorkload(protocol: Protocol): Workload | null {
  const dir = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
  if (!existsSync(`${dir}manifest.json`)) return null;
  type Case = {
    protocol: string;
    file: string;
    key?: string;
    authKey?: string;
    expected: { outcome?: string; messages?: number };
  };
  const cases = (JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as Case[]).filter(
    (c) => c.protocol === protocol && c.expected.outcome !== 'error' && !c.key,
  );
  const streams = cases.map((c) => new Uint8Array(readFileSync(`${dir}${c.file}`)));
  const messages = cases.reduce((n, c) => n + (c.expected.messages ?? 1), 0);
  return { name: `corpus ${protocol} (${cases.length} captures)`, protocol, options: {}, streams, messages };
}

/** Runs `work` repeatedly for the time budget; returns runs per second. */
function rate(work: () => void): number {
  work(); // warm-up
  let runs = 0;
  const start = performance.now();
  for (; performance.now() - start < BUDGET_MS; runs++) work();
  return (runs * 1000) / (performance.now() - start);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median rates of `variants` measured round by round, and each variant's median ratio to the first. */
function compare(variants: (() => void)[]): { base: number; ratios: number[] } {
  const rounds = Array.from({ length: ROUNDS }, () => variants.map(rate));
  return {
    base: median(rounds.map((r) => r[0]!)),
    ratios: variants.map((_, i) => median(rounds.map((r) => r[i]! / r[0]!))),
  };
}

function decodeAll(w: Workload, protocol: ProtocolChoice, withProfile: boolean): number {
  let ok = 0;
  for (const stream of w.streams) {
    const decoder = createDecoder(protocol, w.options);
    for (const out of [...decoder.push(stream), ...decoder.end()]) {
      if (!out.ok) continue;
      ok++;
      if (withProfile) harmonize(out.message);
    }
  }
  if (ok < w.messages) throw new Error(`${w.name}: only ${ok} of ${w.messages} messages decoded`);
  return ok;
}

const workloads = [
  simulated('dsmr5', 'dsmr'),
  simulated('dsmr5-encrypted', 'dsmr'),
  simulated('lg-e360', 'dlms'),
  simulated('lg-e450', 'dlms'),
  simulated('mbus-heat', 'mbus'),
  ...(['dsmr', 'dlms', 'mbus'] as const).map(corpusWorkload).filter((w): w is Workload => w !== null),
];

console.log(
  `decode throughput: medians of ${ROUNDS} alternating rounds of ${BUDGET_MS} ms each, one process, one run\n`,
);
console.log('workload                              bytes/msg   msgs/s named   auto/named   +profile/named');
for (const w of workloads) {
  const { base, ratios } = compare([
    () => decodeAll(w, w.protocol, false),
    () => decodeAll(w, 'auto', false),
    () => decodeAll(w, w.protocol, true),
  ]);
  const [, auto, profiled] = ratios as [number, number, number];
  const named = base * w.messages;
  console.log(
    `${w.name.padEnd(38)}${String(Math.round(w.streams.reduce((n, b) => n + b.length, 0) / w.messages)).padStart(9)}${Math.round(
      named,
    )
      .toString()
      .padStart(15)}${auto.toFixed(2).padStart(13)}${profiled.toFixed(2).padStart(17)}`,
  );
}

// AES-128-GCM: our pure TypeScript (runs in the renderer too) against Node's OpenSSL, on a push-sized payload.
const payload = new Uint8Array(512).map((_, i) => i);
const iv = new Uint8Array(12).fill(7);
const gcm = compare([
  () => aesGcmEncrypt(key, iv, payload, authKey, 12),
  () => {
    const c = createCipheriv('aes-128-gcm', key, iv, { authTagLength: 12 });
    c.setAAD(authKey);
    c.update(payload);
    c.final();
    c.getAuthTag();
  },
]);
console.log(
  `\nAES-128-GCM, 512-byte push: ${Math.round(gcm.base)} ops/s pure TypeScript; node:crypto (OpenSSL) does ${gcm.ratios[1]!.toFixed(2)} × that`,
);
