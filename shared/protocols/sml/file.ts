/**
 * One SML file (its messages, as the framer hands them over) to one ObisMessage: the GetList responses' value lists
 * with OBIS, value × 10^scaler and DLMS unit; the server ID as meter ID. Open and close responses give the ID and a
 * clock when the value lists do not.
 */
import { unitName } from '../dlms/units.ts';
import { formatObis } from '../obis.ts';
import { toHex } from '../hex.ts';
import { decodeError, type DecodeOutput, type ObisMessage, type ObisValue } from '../types.ts';
import { GET_LIST_RESPONSE, OPEN_RESPONSE } from './body-tags.ts';
import { readServerId } from './server-id.ts';
import { printableText } from './text.ts';
import { readNode, SmlSyntaxError, type SmlNode } from './tl.ts';

/** SML_Time choices: 1 secIndex (seconds since the meter started: no clock), 2 timestamp, 3 local timestamp. */
const TIME_TIMESTAMP = 2;
const TIME_LOCAL = 3;
const NO_UNIT = 255;

interface FileState {
  serverId?: Uint8Array;
  timestamp?: number;
  values: ObisValue[];
  lists: number;
}

export function decodeFile(bytes: Uint8Array): DecodeOutput {
  const state: FileState = { values: [], lists: 0 };
  try {
    const reader = { bytes, pos: 0 };
    while (reader.pos < bytes.length) {
      const node = readNode(reader);
      if (node.type !== 'octets') readMessage(node, state); // a stray endOfSmlMsg is skipped
    }
  } catch (e) {
    if (!(e instanceof SmlSyntaxError)) throw e;
    return { ok: false, error: decodeError('syntax', e.message) };
  }
  if (state.lists === 0) return { ok: false, error: decodeError('unsupported', 'an SML file without a value list') };
  const message: ObisMessage = { protocol: 'sml', values: state.values, info: { transport: 'sml' } };
  if (state.serverId) {
    const { id, manufacturer } = readServerId(state.serverId);
    message.meterId = id;
    if (manufacturer) message.info.manufacturer = manufacturer;
  }
  if (state.timestamp !== undefined) message.timestamp = state.timestamp;
  return { ok: true, message };
}

function list(node: SmlNode | undefined, min: number, what: string): SmlNode[] {
  if (node?.type !== 'list' || node.items.length < min) throw new SmlSyntaxError(`an SML ${what} is not a list`);
  return node.items;
}

function octets(node: SmlNode | undefined): Uint8Array | undefined {
  return node?.type === 'octets' && node.bytes.length > 0 ? node.bytes : undefined;
}

function numberOf(node: SmlNode | undefined): number | undefined {
  return node?.type === 'integer' || node?.type === 'unsigned' ? node.value : undefined;
}

/** SML_Message: transactionId, groupNo, abortOnError, messageBody (tag, content), crc16, endOfSmlMsg. */
function readMessage(node: SmlNode, state: FileState): void {
  const [, , , body] = list(node, 5, 'message');
  const [tag, content] = list(body, 2, 'message body');
  switch (numberOf(tag)) {
    case OPEN_RESPONSE: {
      const fields = list(content, 6, 'open response');
      state.serverId ??= octets(fields[3]);
      state.timestamp ??= readTime(fields[4]);
      break;
    }
    case GET_LIST_RESPONSE: {
      // clientId, serverId, listName, actSensorTime, valList, listSignature, actGatewayTime
      const fields = list(content, 5, 'GetList response');
      const serverId = octets(fields[1]);
      if (serverId) state.serverId = serverId;
      const time = readTime(fields[6]) ?? readTime(fields[3]);
      if (time !== undefined) state.timestamp = time;
      for (const entry of list(fields[4], 0, 'value list')) {
        const value = readEntry(entry);
        if (value) state.values.push(value);
      }
      state.lists++;
      break;
    }
    default:
      break; // close, attention and profile responses carry no current values
  }
}

/** SML_ListEntry: objName, status, valTime, unit, scaler, value, valueSignature. */
function readEntry(node: SmlNode): ObisValue | null {
  const [objName, , valTime, unitNode, scalerNode, valueNode] = list(node, 6, 'list entry');
  const name = octets(objName);
  const obis = name?.length === 6 ? formatObis(name) : null;
  const value = readValue(valueNode!, numberOf(scalerNode) ?? 0);
  if (value === null) return null;
  const code = numberOf(unitNode) ?? NO_UNIT;
  const entry: ObisValue = { obis, value, unit: typeof value === 'number' ? unitName(code) : null };
  const timestamp = readTime(valTime);
  if (timestamp !== undefined) entry.timestamp = timestamp;
  return entry;
}

function readValue(node: SmlNode, scaler: number): number | string | null {
  switch (node.type) {
    case 'integer':
    case 'unsigned':
      // Dividing by a power of ten gives the nearest double of the decimal the meter meant (0.1 × 3 would not).
      return scaler < 0 ? node.value / 10 ** -scaler : node.value * 10 ** scaler;
    case 'boolean':
      return node.value ? 1 : 0;
    case 'octets':
      return printableText(node.bytes) ?? toHex(node.bytes);
    default:
      return null; // a list value (SML_ListType: a time or a 128-bit number) is not a reading
  }
}

/** Unix seconds from an SML_Time, or undefined for a second index, an absent or an odd time. */
function readTime(node: SmlNode | undefined): number | undefined {
  if (node?.type !== 'list' || node.items.length < 2) return undefined;
  const [choice, value] = node.items;
  const kind = numberOf(choice);
  if (kind === TIME_TIMESTAMP) return numberOf(value);
  if (kind === TIME_LOCAL && value?.type === 'list') return numberOf(value.items[0]); // UTC, offsets beside it
  return undefined;
}
