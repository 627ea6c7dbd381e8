/**
 * mDNS browse with a real responder, in a network namespace this test creates (`unshare -rn`: only a loopback
 * interface, multicast routed to it), so no packet reaches a real network. Skipped where namespaces are not allowed.
 */
import { execFileSync, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';

function namespaceProblem(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces exist on Linux only';
  try {
    execFileSync('unshare', ['-rn', 'sh', '-c', SETUP], { stdio: 'ignore', timeout: 10_000 });
    return undefined;
  } catch {
    return 'this machine does not allow `unshare -rn` with a multicast route on its loopback';
  }
}

const problem = namespaceProblem();
if (problem) console.warn(`mDNS test skipped: ${problem}`);

describe.skipIf(problem !== undefined)('mDNS discovery in a private network namespace', () => {
  it('finds the Tasmota-like _http._tcp service, resolved, and leaves other web services out', async () => {
    const script = fileURLToPath(new URL('./mdns-responder-and-browse.ts', import.meta.url));
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        'unshare',
        ['-rn', 'sh', '-c', `${SETUP} && exec "$0" --import tsx "$1"`, process.execPath, script],
        { timeout: 30_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
      ok: true,
      devices: [{ name: 'tasmota-A1B2C3-1234', hostname: 'tasmota-A1B2C3-1234', ip: '127.0.0.1' }],
    });
  });
});
