/** One line per event, with time and level; secrets never reach it (they are Secret objects, printing as ***). */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logged line as the UI's log view shows it. */
export interface LogEntry {
  /** ISO 8601, UTC. */
  time: string;
  level: LogLevel;
  message: string;
}

/** The last lines logged, for the UI's log view and the diagnostics download; bounded, oldest dropped first. */
export class LogRing {
  private readonly entries: LogEntry[] = [];

  constructor(readonly capacity = 500) {}

  add(entry: LogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  recent(): LogEntry[] {
    return [...this.entries];
  }
}

/** `json`: one object per line (`time`, `level`, `msg`), for log collectors in containers. */
export type LogFormat = 'text' | 'json';

export function createLogger(
  write: (line: string) => void,
  level: LogLevel = 'info',
  format: LogFormat = 'text',
  ring?: LogRing,
): Logger {
  const line = (l: LogLevel, message: string): string => {
    const time = new Date().toISOString();
    ring?.add({ time, level: l, message });
    return format === 'json'
      ? JSON.stringify({ time, level: l, msg: message })
      : `${time} ${l.toUpperCase().padEnd(5)} ${message}`;
  };
  const at = (l: LogLevel) => (message: string) => {
    if (ORDER[l] >= ORDER[level]) write(line(l, message));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
