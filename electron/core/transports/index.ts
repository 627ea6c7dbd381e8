/** Byte sources: serial ports (with line-settings auto-detection) and TCP bridges, plus serial port listing. */
export type { BackoffOptions } from './backoff.ts';
export type {
  ByteSource,
  ByteSourceEvents,
  SourceError,
  SourceErrorKind,
  SourceState,
  SourceStateName,
} from './byte-source.ts';
export {
  AUTO_DETECT_ORDER,
  formatLineSettings,
  parseLineSettings,
  type KnownLineSettings,
  type LineSettings,
  type Parity,
} from './line-settings.ts';
export { listSerialPorts, type ListOptions, type SerialPortEntry } from './port-list.ts';
export type { SerialBinding } from './serial-connection.ts';
export {
  SerialSource,
  type DetectionResult,
  type SerialSourceEvents,
  type SerialSourceOptions,
} from './serial-source.ts';
export { TcpSource, type TcpSourceOptions } from './tcp-source.ts';
export { USB_SERIAL_CHIPS, type UsbSerialChip } from './usb-adapters.ts';
