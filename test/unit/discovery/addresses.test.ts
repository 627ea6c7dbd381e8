import { describe, expect, it } from 'vitest';
import { parseProbeAddress } from '../../../shared/discovery/address.ts';
import { subnetHosts } from '../../../shared/discovery/subnet.ts';

describe('subnetHosts', () => {
  it('lists the hosts of a /24 without network and broadcast', () => {
    const result = subnetHosts('192.168.1.77/24');
    expect('hosts' in result && [result.hosts.length, result.hosts[0], result.hosts.at(-1)]).toEqual([
      254,
      '192.168.1.1',
      '192.168.1.254',
    ]);
  });

  it('takes narrower subnets and single addresses', () => {
    expect(subnetHosts('10.0.0.9/30')).toEqual({ hosts: ['10.0.0.9', '10.0.0.10'] });
    expect(subnetHosts('10.0.0.9')).toEqual({ hosts: ['10.0.0.9'] });
    expect(subnetHosts('10.0.0.9/31')).toEqual({ hosts: ['10.0.0.8', '10.0.0.9'] });
  });

  it('refuses anything wider than a /24 and anything that is not a subnet', () => {
    for (const bad of [
      '10.0.0.0/23',
      '10.0.0.0/8',
      '10.0.0.0/0',
      '300.1.1.1/24',
      'example.com/24',
      '10.0.0.0/x',
      '1/2/3',
    ]) {
      expect(subnetHosts(bad)).toHaveProperty('error');
    }
  });
});

describe('parseProbeAddress', () => {
  it('accepts IPs, names, ports and a pasted URL', () => {
    expect(parseProbeAddress('192.168.1.50')).toEqual({ host: '192.168.1.50', port: 80 });
    expect(parseProbeAddress(' gplug-1234.local ')).toEqual({ host: 'gplug-1234.local', port: 80 });
    expect(parseProbeAddress('http://192.168.1.50:8080/')).toEqual({ host: '192.168.1.50', port: 8080 });
    expect(parseProbeAddress('[fe80::1]:80')).toEqual({ host: 'fe80::1', port: 80 });
  });

  it('refuses what is not one address', () => {
    for (const bad of ['', 'a b', 'host:0', 'host:70000', 'http://x/cm?cmnd=Reset', '-bad', 'a;b']) {
      expect(parseProbeAddress(bad)).toHaveProperty('error');
    }
  });
});
