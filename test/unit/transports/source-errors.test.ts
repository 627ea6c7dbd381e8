import { describe, expect, it } from 'vitest';
import { classifyOpenError, classifyReadError } from '../../../electron/core/transports/serial-errors.ts';
import { classifyTcpError } from '../../../electron/core/transports/tcp-errors.ts';

const s7e1 = { baudRate: 115200, dataBits: 7, parity: 'even', stopBits: 1 } as const;
const errno = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('serial errors', () => {
  it('tells a Linux user how to get permission', () => {
    expect(
      classifyOpenError(new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), '/dev/ttyUSB0', s7e1, 'linux'),
    ).toEqual({
      kind: 'permission',
      message:
        "permission denied on /dev/ttyUSB0: add your user to the 'dialout' group (sudo usermod -aG dialout $USER) and log in again",
    });
    expect(classifyOpenError(errno('EACCES', 'EACCES'), '/dev/cu.usbserial', s7e1, 'darwin').kind).toBe('permission');
  });

  it('reads Windows "Access denied" as the port being in use', () => {
    expect(classifyOpenError(new Error('Opening COM3: Access denied'), 'COM3', s7e1, 'win32')).toEqual({
      kind: 'busy',
      message: 'COM3 is in use by another program',
    });
  });

  it('names a missing port on every platform', () => {
    const missing = { kind: 'not-found', message: 'no such port COM7: is the adapter plugged in?' };
    expect(classifyOpenError(new Error('Opening COM7: File not found'), 'COM7', s7e1, 'win32')).toEqual(missing);
    expect(
      classifyOpenError(
        new Error('Error: No such file or directory, cannot open /dev/ttyUSB3'),
        '/dev/ttyUSB3',
        s7e1,
        'linux',
      ),
    ).toEqual({ kind: 'not-found', message: 'no such port /dev/ttyUSB3: is the adapter plugged in?' });
  });

  it('reads a lock held by another process as busy', () => {
    const err = new Error('Error Resource temporarily unavailable Cannot lock port');
    expect(classifyOpenError(err, '/dev/ttyACM0', s7e1, 'linux').kind).toBe('busy');
  });

  it('reads EINVAL from termios as the port refusing these settings', () => {
    expect(classifyOpenError(new Error('Error: Invalid argument, cannot set'), '/dev/pts/3', s7e1, 'linux')).toEqual({
      kind: 'unsupported-setting',
      message: '/dev/pts/3 refused 115200 7E1',
    });
  });

  it('keeps the system message for anything else', () => {
    expect(classifyOpenError(new Error('Error: Out of memory'), '/dev/ttyS1', s7e1, 'linux')).toEqual({
      kind: 'io',
      message: '/dev/ttyS1: Error: Out of memory',
    });
  });

  it('takes a failing read for an unplug', () => {
    expect(classifyReadError(new Error('bad file descriptor'), '/dev/ttyUSB0')).toEqual({
      kind: 'unplugged',
      message: '/dev/ttyUSB0 was unplugged or stopped responding (bad file descriptor)',
    });
  });
});

describe('TCP errors', () => {
  it.each([
    ['ECONNREFUSED', 'refused', 'p1.local:23 refused the connection: is the bridge running and the port right?'],
    ['EHOSTUNREACH', 'unreachable', 'p1.local:23 is unreachable: is the bridge powered and on this network?'],
    ['ENOTFOUND', 'not-found', 'no such host p1.local:23: check the name or use its IP address'],
    ['ETIMEDOUT', 'timeout', 'p1.local:23 did not answer in time: is the bridge powered and on this network?'],
    ['ECONNRESET', 'closed', 'p1.local:23 closed the connection'],
  ])('%s becomes %s', (code, kind, message) => {
    expect(classifyTcpError(errno(code, `connect ${code}`), 'p1.local:23')).toEqual({ kind, message });
  });
});
