/**
 * Optical "D0" electricity meters (IEC 62056-21) in the style of a Landis+Gyr ZMD: one pushing a readout every few
 * seconds in mode D (2400 7E1), one answering requests in mode C (sign-on at 300 baud, data at up to 9600 baud).
 * Both send shortened addresses (`1.8.0`, `32.7`, `C.1.0`), as such meters do.
 */
import { encodeDataMessage, encodeReadout, type ReadoutSpec } from '../../protocols/iec62056-21/encode.ts';
import type { HouseholdState } from '../household.ts';
import type { LineSettings, WireMeter } from '../meter.ts';

const LINE_7E1 = (baudRate: number): LineSettings => ({ baudRate, dataBits: 7, parity: 'even', stopBits: 1 });

const kWh = (wh: number) => (wh / 1000).toFixed(3).padStart(10, '0');
const kW = (w: number) => (w / 1000).toFixed(3).padStart(6, '0');

function sets(serial: string, s: HouseholdState): ReadoutSpec['sets'] {
  const [in1, in2] = s.energyIn;
  const [out1, out2] = s.energyOut;
  return [
    ['F.F', '00000000'],
    ['0.0.0', serial],
    ['C.1.0', serial],
    ['1.8.0', kWh(in1 + in2), 'kWh'],
    ['1.8.1', kWh(in1), 'kWh'],
    ['1.8.2', kWh(in2), 'kWh'],
    ['2.8.0', kWh(out1 + out2), 'kWh'],
    ['2.8.1', kWh(out1), 'kWh'],
    ['2.8.2', kWh(out2), 'kWh'],
    ['1.7.0', kW(s.powerIn), 'kW'],
    ['2.7.0', kW(s.powerOut), 'kW'],
    ...s.phases.map((p, i): [string, string, string] => [`${32 + 20 * i}.7`, p.voltage.toFixed(1), 'V']),
    ...s.phases.map((p, i): [string, string, string] => [`${31 + 20 * i}.7`, p.current.toFixed(2), 'A']),
    ['14.7', s.frequency.toFixed(2), 'Hz'],
  ];
}

/** What both models share: a readout every 10 s (mode C: what a reader polling that often gets), no keys. */
const iecMeter = (
  serial: string,
  own: Pick<WireMeter, 'model' | 'description' | 'lineSettings' | 'render' | 'modeC'>,
) => ({ kind: 'wire', interval: 10, serial, encrypted: false, protocol: 'iec62056-21', ...own }) satisfies WireMeter;

export function iecModeDMeter(): WireMeter {
  const serial = '31415926';
  const identification = 'LGZ3ZMD120AP.SIM';
  return iecMeter(serial, {
    model: 'iec-d',
    description: 'IEC 62056-21 mode D meter (optical D0 push, 2400 7E1), a readout every 10 s, short addresses',
    lineSettings: LINE_7E1(2400),
    render: (s) => encodeReadout({ identification, sets: sets(serial, s) }),
  });
}

export function iecModeCMeter(): WireMeter {
  const serial = '27182818';
  const identification = 'LGZ5ZMD310CR.SIM';
  return iecMeter(serial, {
    model: 'iec-c',
    description: 'IEC 62056-21 mode C meter (optical, answers a request at 300 7E1, data at 9600), short addresses',
    lineSettings: LINE_7E1(300),
    modeC: { identification, dataMessage: (s) => encodeDataMessage(sets(serial, s)) },
    render: (s) => encodeReadout({ identification, sets: sets(serial, s), stx: true }),
  });
}
