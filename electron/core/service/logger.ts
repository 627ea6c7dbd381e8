/** One line per event, with time and level; secrets never reach it (they are Secret objects, printing as ***). */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** `json`: one object per line (`time`, `level`, `msg`), for log collectors in containers. */
export type LogFormat = 'text' | 'json';

export function createLogger(
  write: (line: string) => void,
  level: LogLevel = 'info',
  format: LogFormat = 'text',
): Logger {
  const line = (l: LogLevel, message: string): string => {
    const time = new Date().toISOString();
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
