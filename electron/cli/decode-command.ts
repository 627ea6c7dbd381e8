/**
 * `smartmeter-bridge decode`: bytes as captured from the wire in, one NDJSON line per message out.
 * The contract other tools and our corpus checks rely on (docs/decode.md).
 */
import { parseArgs } from 'node:util';
import { toDecodeLine } from '../../shared/decode-line.ts';
import { createDecoder, PROTOCOLS, type ProtocolChoice } from '../../shared/protocols/decode.ts';
import { parseHex } from '../../shared/protocols/hex.ts';
import { timeZoneError } from '../../shared/time.ts';
import { decodeError, type DecodeOutput, type DecoderOptions } from '../../shared/protocols/types.ts';
import { parseKey, parseStick, UsageError } from './args.ts';
import type { CliIo } from './io.ts';
import { withNodeCrypto } from '../core/crypto/node-gcm.ts';

export const DECODE_USAGE = `usage: smartmeter-bridge decode [--protocol auto|dsmr|dlms|mbus|sml|iec62056-21|wmbus]
                                [--key HEX] [--auth-key HEX] [--meter-key ID=HEX]... [--stick NAME] [--hex]
                                [--tz ZONE] [--family NAME] [FILE|-]

Decodes DSMR P1 telegrams, DLMS/COSEM pushes (HDLC, wired M-Bus, bare APDUs, AES-GCM encrypted), EN 13757-3
M-Bus frames, SML 1.04 files (German eHZ meters), IEC 62056-21 readouts and wireless M-Bus / OMS telegrams
(these two named only) from FILE (default: standard input) and prints one JSON line per message.
  --protocol  the dialect, or auto (default) to recognise it
  --key       AES-128 encryption key (GUEK; for wireless M-Bus the meter's key), 32 hex digits
  --auth-key  AES-128 authentication key (GAK), 32 hex digits
  --meter-key wireless M-Bus: the key of the meter with this ID (8 digits as decoded), once per meter; --key is
              then the key of every other meter
  --stick     wireless M-Bus: the USB stick's serial framing, im871a or amber; raw (default): frames from their
              L-field on
  --hex       the input is hex text (whitespace, ':' and 0x prefixes allowed) instead of raw bytes
  --tz        time zone for meter clocks that carry no UTC offset (default: this machine's zone)
  --family    DLMS meter-family table to use instead of recognising it
Ctrl-C (SIGINT) or SIGTERM stops reading; what was decoded until then has been printed.
Exit status: 0 when every message decoded, 1 when any failed, 2 for usage errors.`;

function parseZone(zone: string | undefined): string | undefined {
  const problem = zone === undefined ? undefined : timeZoneError(zone);
  if (problem) throw new UsageError(`--tz: ${problem}`);
  return zone;
}

/** `--meter-key ID=HEX`, once per meter: keys by meter ID. */
function parseMeterKeys(texts: string[]): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>();
  for (const text of texts) {
    const [id, hex] = text.split('=', 2);
    if (!id || hex === undefined) throw new UsageError(`--meter-key: expected ID=HEX, got '${text}'`);
    keys.set(id.trim(), parseKey('meter-key', hex)!);
  }
  return keys;
}

interface DecodeRequest {
  protocol: ProtocolChoice;
  options: DecoderOptions;
  hex: boolean;
  input: string;
}

function parseRequest(args: string[]): DecodeRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        protocol: { type: 'string', default: 'auto' },
        key: { type: 'string' },
        'auth-key': { type: 'string' },
        hex: { type: 'boolean', default: false },
        tz: { type: 'string' },
        family: { type: 'string' },
        'meter-key': { type: 'string', multiple: true },
        stick: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const protocol = values.protocol;
  if (protocol !== 'auto' && !PROTOCOLS.includes(protocol as never)) {
    throw new UsageError(`--protocol: expected auto, ${PROTOCOLS.join(', ')}; got '${protocol}'`);
  }
  if (positionals.length > 1) throw new UsageError(`one input at a time, got ${positionals.length}`);
  const options: DecoderOptions = {};
  const key = parseKey('key', values.key);
  const authKey = parseKey('auth-key', values['auth-key']);
  const timeZone = parseZone(values.tz);
  if (key) options.key = key;
  if (authKey) options.authKey = authKey;
  if (timeZone) options.timeZone = timeZone;
  if (values.family) options.family = values.family;
  const meterKeys = parseMeterKeys(values['meter-key'] ?? []);
  if (meterKeys.size) options.meterKey = (id) => meterKeys.get(id);
  if (values.stick !== undefined) options.wmbusStick = parseStick(values.stick);
  return { protocol: protocol as ProtocolChoice, options, hex: values.hex, input: positionals[0] ?? '-' };
}

/** Hex is a paste or capture format, so it is read whole; raw bytes are decoded as they arrive (a live pipe). */
async function* inputChunks(io: CliIo, request: DecodeRequest): AsyncGenerator<Uint8Array | DecodeOutput> {
  if (!request.hex) {
    yield* io.open(request.input);
    return;
  }
  const parts: string[] = [];
  const text = new TextDecoder();
  for await (const chunk of io.open(request.input)) parts.push(text.decode(chunk, { stream: true }));
  const hex = parseHex(parts.join('') + text.decode());
  yield hex.ok ? hex.bytes : { ok: false, error: decodeError('syntax', `the input is not hex: ${hex.message}`) };
}

export async function decodeCommand(args: string[], io: CliIo): Promise<number> {
  let request: DecodeRequest;
  try {
    request = parseRequest(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`decode: ${e.message}\n${DECODE_USAGE}`);
    return 2;
  }
  const decoder = createDecoder(request.protocol, withNodeCrypto(request.options));
  let decoded = 0;
  let failed = 0;
  const emit = (outputs: DecodeOutput[]) => {
    for (const output of outputs) {
      if (output.ok) decoded++;
      else failed++;
      io.out(JSON.stringify(toDecodeLine(output)));
    }
  };
  try {
    for await (const chunk of inputChunks(io, request)) {
      emit(chunk instanceof Uint8Array ? decoder.push(chunk) : [chunk]);
    }
  } catch (e) {
    // Stopped by the user (the input was closed): a message cut off by the interrupt is not the input's fault.
    if (io.signal?.aborted) return failed > 0 ? 1 : 0;
    io.err(`decode: cannot read ${request.input === '-' ? 'standard input' : request.input}: ${(e as Error).message}`);
    return 2;
  }
  emit(decoder.end());
  if (decoded + failed === 0)
    emit([{ ok: false, error: decodeError('truncated', 'no complete message in the input') }]);
  return failed > 0 ? 1 : 0;
}
