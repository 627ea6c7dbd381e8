/** What a simulated meter is: a name, how often it sends, and how it renders a household state on its interface. */
import type { HouseholdState } from './household.ts';

export interface LineSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface SimulationKeys {
  key?: Uint8Array;
  authKey?: Uint8Array;
}

/** A meter on a serial or TCP link: bytes exactly as on the wire. */
export interface WireMeter {
  kind: 'wire';
  model: string;
  description: string;
  /** Seconds between two messages, as the real meter sends them. */
  interval: number;
  lineSettings: LineSettings;
  /** The meter's own serial, as a decoder reports it. */
  serial: string;
  /** Whether it needs keys to be simulated (and to be decoded). */
  encrypted: boolean;
  /** The zone its clock runs in when the clock carries no UTC offset, as the real meter's does. */
  clockZone?: string;
  /** The decoder to name where auto-detection does not try the dialect (IEC 62056-21 and wireless M-Bus). */
  protocol?: 'iec62056-21' | 'wmbus';
  /**
   * A meter that speaks only when asked (IEC 62056-21 mode C): `simulate` answers requests with this instead of
   * pushing `render`'s output; `render` is then the whole readout as a reader receives it.
   */
  modeC?: { identification: string; dataMessage(state: HouseholdState): Uint8Array };
  render(state: HouseholdState, sequence: number): Uint8Array;
}

export interface MqttOut {
  topic: string;
  payload: string;
}

/** A gateway that already publishes on MQTT. */
export interface MqttMeter {
  kind: 'mqtt';
  model: string;
  description: string;
  interval: number;
  serial: string;
  encrypted: false;
  /** The zone its clock runs in when the clock carries no UTC offset, as the real gateway's does. */
  clockZone?: string;
  render(state: HouseholdState, sequence: number): MqttOut[];
}

export type SimulatedMeter = WireMeter | MqttMeter;

export const LINE_8N1 = (baudRate: number): LineSettings => ({ baudRate, dataBits: 8, parity: 'none', stopBits: 1 });
