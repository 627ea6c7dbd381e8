/** A gateway source's persistent session: its client ID, its mqtt.js options, and the data dir's bridge ID. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIDGE_ID_FILE, loadBridgeId } from '../../../electron/core/mqtt/bridge-id.ts';
import { gatewayClientId, subscriberClientOptions } from '../../../electron/core/mqtt/client-options.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'smb-bridge-id-'));
  dirs.push(dir);
  return dir;
};

describe('gatewayClientId', () => {
  it('is the same for one bridge and source, and differs between bridges and between sources', () => {
    expect(gatewayClientId('0123456789ab', 'gplug')).toBe('smartmeter-bridge-0123456789ab-gplug');
    expect(gatewayClientId('0123456789ab', 'gplug')).toBe(gatewayClientId('0123456789ab', 'gplug'));
    expect(gatewayClientId('ba9876543210', 'gplug')).not.toBe(gatewayClientId('0123456789ab', 'gplug'));
    expect(gatewayClientId('0123456789ab', 'mqtt1')).not.toBe(gatewayClientId('0123456789ab', 'mqtt2'));
  });

  it('keeps to safe characters, and two IDs made safe the same way stay apart', () => {
    const dotted = gatewayClientId('0123456789ab', 'house.meter/1');
    const underscored = gatewayClientId('0123456789ab', 'house_meter_1');
    expect(dotted).toMatch(/^[A-Za-z0-9_-]+$/u);
    expect(dotted).not.toBe(underscored);
    expect(gatewayClientId('0123456789ab', 'x'.repeat(500)).length).toBeLessThan(100);
  });
});

describe('subscriberClientOptions', () => {
  const base = { clientId: 'c', reconnectPeriodMs: 1000 } as const;

  it('asks an MQTT 5 broker for a persistent session that expires', () => {
    const options = subscriberClientOptions({ ...base, protocolVersion: 5, sessionExpirySeconds: 3600 });
    expect(options.clean).toBe(false);
    expect(options.properties?.sessionExpiryInterval).toBe(3600);
  });

  it('asks an MQTT 3.1.1 broker for a persistent session (no expiry in that protocol)', () => {
    const options = subscriberClientOptions({ ...base, protocolVersion: 4, sessionExpirySeconds: 3600 });
    expect(options.clean).toBe(false);
    expect(options.properties).toBeUndefined();
  });

  it('is a clean session without an expiry, and always quiet, one ping per keep-alive, no own resubscription', () => {
    const options = subscriberClientOptions({ ...base, protocolVersion: 5, properties: { maximumPacketSize: 9 } });
    expect(options.clean).toBe(true);
    expect(options.properties).toEqual({ maximumPacketSize: 9 });
    expect(options).toMatchObject({ reschedulePings: false, resubscribe: false, reconnectOnConnackError: true });
    expect(typeof options.log).toBe('function');
  });
});

describe('loadBridgeId', () => {
  it('makes an ID once and reads the same one on every later start', async () => {
    const dir = dataDir();
    const first = await loadBridgeId(dir);
    expect(first).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/u) });
    expect(await loadBridgeId(dir)).toEqual(first);
    expect(readFileSync(join(dir, BRIDGE_ID_FILE), 'utf8').trim()).toBe(first.id);
  });

  it('gives two data dirs two IDs', async () => {
    expect((await loadBridgeId(dataDir())).id).not.toBe((await loadBridgeId(dataDir())).id);
  });

  it('replaces a damaged ID and says so', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, BRIDGE_ID_FILE), 'not an id');
    const loaded = await loadBridgeId(dir);
    expect(loaded.id).toMatch(/^[0-9a-f]{12}$/u);
    expect(loaded.problem).toMatch(/does not hold a bridge ID/u);
    expect(await loadBridgeId(dir)).toEqual({ id: loaded.id });
  });
});
