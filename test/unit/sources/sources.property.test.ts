import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATACOLLECTOR_NAMES } from '../../../shared/sources/datacollector.ts';
import { createGatewayReader, type GatewayOutput } from '../../../shared/sources/index.ts';
import { memberNumberTexts } from '../../../shared/sources/json.ts';
import { TASMOTA_FIELDS } from '../../../shared/sources/tasmota.ts';
import { bytes, GPLUG_BUNDLE_KW, GPLUG_BUNDLE_W, RL_DSP_BUNDLE } from './payloads.ts';

const level = fc.oneof(
  fc.constantFrom('+', '#', '', 'gplug', 'SENSOR', 'ds', 'state', 'ACTIVE_POWER_P', 'm1'),
  fc.string(),
);
const topic = fc.oneof(
  fc.constantFrom('tele/gplug/SENSOR', 'smartmeter/m1/ACTIVE_POWER_P', 'smartmeter/m1/VOLTAGE_L1', 'dt/home/E1/ds'),
  fc
    .tuple(fc.constantFrom('tele', 'smartmeter', 'dt'), fc.array(level, { maxLength: 4 }))
    .map(([head, rest]) => [head, ...rest].join('/')),
  fc.string(),
);

const fieldName = fc.oneof(fc.constantFrom(...TASMOTA_FIELDS.keys(), 'Time', 'z', 'TS'), fc.string({ maxLength: 6 }));
const rlKey = fc.oneof(
  fc.constantFrom('ts', '1.7.0', '1.8.0', '32.7.0', '999.999.999', '256.1.1'),
  fc.string({ maxLength: 8 }),
);
const mutate = (text: string) =>
  fc
    .tuple(fc.nat(text.length), fc.nat(12), fc.string({ maxLength: 8 }))
    .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut));

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.json().map(bytes),
  fc
    .record({
      Time: fc.oneof(fc.string(), fc.constant('2024-05-01T12:00:05'), fc.jsonValue()),
      z: fc.dictionary(fieldName, fc.jsonValue()),
    })
    .map((p) => bytes(JSON.stringify(p))),
  fc.dictionary(fieldName, fc.oneof(fc.double(), fc.integer())).map((z) => bytes(JSON.stringify({ z }))),
  fc
    .record(
      {
        value: fc.jsonValue(),
        timestamp: fc.jsonValue(),
        obis: fc.oneof(fc.string(), fc.constantFrom('1-0:1.7.0*255', '1.0.1.7.0.255', '9.9.9')),
      },
      { requiredKeys: [] },
    )
    .map((p) => bytes(JSON.stringify(p))),
  fc.dictionary(rlKey, fc.jsonValue()).map((meter) => bytes(JSON.stringify({ meter }))),
  fc
    .oneof(
      mutate(GPLUG_BUNDLE_KW),
      mutate(GPLUG_BUNDLE_W),
      mutate(RL_DSP_BUNDLE),
      mutate('{"value":412,"timestamp":1714557605}'),
    )
    .map(bytes),
);

const ERROR_KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];

function wellFormed(output: GatewayOutput): void {
  expect(output.device).toMatch(/^(tasmota|datacollector|rl-dsp)\//);
  if (!output.ok) {
    expect(ERROR_KINDS).toContain(output.error.kind);
    expect(output.error.message.length).toBeGreaterThan(0);
    return;
  }
  const { message } = output;
  expect(message.protocol).toBe('mqtt');
  expect(['tasmota', 'datacollector', 'rl-dsp']).toContain(message.info.transport);
  if (message.timestamp !== undefined) expect(Number.isFinite(message.timestamp)).toBe(true);
  for (const v of message.values) {
    expect(v.obis).toMatch(/^\d{1,3}-\d{1,3}:\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    expect(typeof v.value === 'string' || Number.isFinite(v.value)).toBe(true);
    expect(v.unit === null || typeof v.unit === 'string').toBe(true);
  }
}

describe('gateway reader on arbitrary messages', () => {
  it('never throws, and everything it returns is a well-formed message or a typed error', () => {
    const reader = createGatewayReader(
      [{ kind: 'tasmota', timeZone: 'Europe/Zurich' }, { kind: 'datacollector', quietMs: 50 }, { kind: 'rl-dsp' }],
      { baseTopic: 'smartmeter', rlDspGroup: 'own' },
    );
    let now = 0;
    const seen = { ok: 0, error: 0 };
    const check = (output: GatewayOutput) => {
      wellFormed(output);
      seen[output.ok ? 'ok' : 'error']++;
    };
    fc.assert(
      fc.property(topic, payload, fc.nat(100), (t, p, step) => {
        now += step;
        const result = reader.read(t, p, now);
        if (result !== null) {
          expect(typeof result.device).toBe('string');
          result.outputs.forEach(check);
        }
        reader.flush(now).forEach(check);
      }),
      { numRuns: 2000 },
    );
    reader.flushAll().forEach(check);
    // The inputs reach both outcomes, so the checks above are not vacuous.
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.error).toBeGreaterThan(20);
  });

  it('joins no more than the values it was given', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...DATACOLLECTOR_NAMES.keys()),
            fc.integer({ min: 0, max: 3 }),
            fc.constantFrom('m1', 'm2'),
          ),
          { maxLength: 60 },
        ),
        (points) => {
          const reader = createGatewayReader([{ kind: 'datacollector' }], { baseTopic: 'smartmeter' });
          const outputs = points.flatMap(
            ([name, ts, meter], i) =>
              reader.read(`smartmeter/${meter}/${name}`, bytes(JSON.stringify({ value: i, timestamp: ts })), i)!
                .outputs,
          );
          outputs.push(...reader.flushAll());
          const values = outputs.flatMap((o) => (o.ok ? o.message.values.map((v) => v.value) : []));
          expect(values.sort((a, b) => Number(a) - Number(b))).toEqual(points.map((_, i) => i));
        },
      ),
    );
  });
});

describe('number texts', () => {
  it('agree with JSON.parse for every number in the member, and never throw on any JSON', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer())),
        fc.json(),
        (z, other) => {
          const text = `{"other":${other},"z":${JSON.stringify(z)}}`;
          const texts = memberNumberTexts(text, 'z');
          const parsed = (JSON.parse(text) as { z: Record<string, number> }).z;
          expect([...texts.keys()].sort()).toEqual(Object.keys(parsed).sort());
          for (const [key, token] of texts) expect(Number(token)).toBe(parsed[key]);
        },
      ),
    );
  });
});
