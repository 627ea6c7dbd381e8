/**
 * Serial failures in words a user can act on. The native binding reports most errors as text only
 * ("Error: Permission denied, cannot open /dev/ttyUSB0", "Opening COM3: Access denied"), so both the errno code
 * and the strerror / Windows wording are matched.
 */
import { sourceError, type SourceError } from './byte-source.ts';
import { formatLineSettings, type LineSettings } from './line-settings.ts';
import { describeError } from './reconnecting-source.ts';

const matches = (err: unknown, codes: string[], text: RegExp): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && codes.includes(code)) || text.test(describeError(err));
};

/** Why opening `path` with `settings` failed. */
export function classifyOpenError(
  err: unknown,
  path: string,
  settings: LineSettings,
  platform: NodeJS.Platform = process.platform,
): SourceError {
  if (platform === 'win32' && matches(err, [], /access denied/i)) {
    return sourceError('busy', `${path} is in use by another program`);
  }
  if (matches(err, ['EACCES', 'EPERM'], /permission denied|operation not permitted/i)) {
    return sourceError(
      'permission',
      platform === 'linux'
        ? `permission denied on ${path}: add your user to the 'dialout' group (sudo usermod -aG dialout $USER) and log in again`
        : `permission denied on ${path}: your user may not open this port`,
    );
  }
  if (matches(err, ['EBUSY'], /resource busy|cannot lock port|port is locked/i)) {
    return sourceError('busy', `${path} is in use by another program (another bridge, ModemManager, a terminal?)`);
  }
  if (matches(err, ['ENOENT', 'ENODEV', 'ENXIO'], /no such file|file not found|no such device/i)) {
    return sourceError('not-found', `no such port ${path}: is the adapter plugged in?`);
  }
  if (matches(err, ['EINVAL'], /invalid argument|not supported|invalid .* setting/i)) {
    return sourceError('unsupported-setting', `${path} refused ${formatLineSettings(settings)}`);
  }
  return sourceError('io', `${path}: ${describeError(err)}`);
}

/** An open port failed while reading: on every platform that means the adapter went away or stopped answering. */
export function classifyReadError(err: unknown, path: string): SourceError {
  return sourceError('unplugged', `${path} was unplugged or stopped responding (${describeError(err)})`);
}
