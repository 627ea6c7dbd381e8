import { describe, expect, it } from 'vitest';
import { QUANTITIES } from '../../../shared/profile/quantities.ts';
import { meterTopicId, profileTopics } from '../../../shared/profile/topics.ts';
import { hasOwnOrigin, isOwnTopic, ORIGIN_PROPERTY } from '../../../shared/sources/loop-guard.ts';

const guard = { baseTopic: 'smartmeter' };

describe('loop guard', () => {
  it("recognises every topic the profile publishes, for any meter, as the bridge's own", () => {
    const topics = profileTopics('smartmeter');
    const own = [topics.bridgeStatus, topics.bridgeInfo];
    for (const id of ['E0012345', 'LGZ1030653520967', 'ACTIVE_POWER_P', 'x']) {
      const meter = topics.meter(id);
      own.push(meter.state, meter.info, meter.status, ...QUANTITIES.map((q) => meter.value(q.topic)));
    }
    for (const topic of own) expect([topic, isOwnTopic(topic, guard)]).toEqual([topic, true]);
  });

  it('tells smartmeter-datacollector topics under the same base apart by their UPPER_SNAKE name', () => {
    expect(isOwnTopic('smartmeter/LGZ1030653520967/ACTIVE_POWER_P', guard)).toBe(false);
    expect(isOwnTopic('smartmeter/bridge/REACTIVE_ENERGY_Q1_T2', guard)).toBe(false);
    expect(isOwnTopic('smartmeter/m1/Active_Power', guard)).toBe(true);
  });

  it('lets through a datacollector meter whose ID is a serial port path of several levels', () => {
    expect(isOwnTopic('smartmeter//dev/ttyUSB0/ACTIVE_POWER_P', guard)).toBe(false);
    expect(isOwnTopic('smartmeter//dev/serial/by-id/usb-FTDI-if00/VOLTAGE_L1', guard)).toBe(false);
    expect(isOwnTopic('smartmeter/_dev_ttyUSB0-1a2b3c4d/power/power_in', guard)).toBe(true);
  });

  it('follows a configured base topic', () => {
    const custom = { baseTopic: 'home/meters' };
    expect(isOwnTopic('home/meters/m1/power/power_in', custom)).toBe(true);
    expect(isOwnTopic('home/meters/m1/state', custom)).toBe(true);
    expect(isOwnTopic('smartmeter/m1/state', custom)).toBe(false);
    expect(isOwnTopic('home/metersX/m1/state', custom)).toBe(false);
  });

  it("takes dt/<group>/+/ds for its own only while RL-DSP output is on, and only the output's group", () => {
    expect(isOwnTopic('dt/home/E1/ds', guard)).toBe(false);
    const withRlDsp = { baseTopic: 'smartmeter', rlDspGroup: 'home' };
    expect(isOwnTopic('dt/home/E1/ds', withRlDsp)).toBe(true);
    expect(isOwnTopic('dt/neighbour/E1/ds', withRlDsp)).toBe(false);
    // The output sanitises the group like a meter ID; the guard matches what is actually published.
    const published = meterTopicId('my house');
    expect(published).not.toBe('my house');
    expect(isOwnTopic(`dt/${published}/E1/ds`, { baseTopic: 'smartmeter', rlDspGroup: 'my house' })).toBe(true);
  });

  it('leaves gateway topics alone', () => {
    expect(isOwnTopic('tele/gplug/SENSOR', { baseTopic: 'smartmeter', rlDspGroup: 'home' })).toBe(false);
  });

  it('sees the origin user property, whatever its value', () => {
    expect(hasOwnOrigin({ [ORIGIN_PROPERTY]: 'bridge-1' })).toBe(true);
    expect(hasOwnOrigin({ [ORIGIN_PROPERTY]: ['a', 'b'] })).toBe(true);
    expect(hasOwnOrigin({ other: 'x' })).toBe(false);
    expect(hasOwnOrigin(undefined)).toBe(false);
  });
});
