/** The simulator on a real pty: an unplugged device fails the next write with its error, the process lives on. */
import { afterEach, expect, it } from 'vitest';
import { serialSink } from '../../../electron/core/simulator/sinks.ts';
import { createPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';

let pair: PtyPair | undefined;
afterEach(async () => pair?.dispose());

it('reports a vanished device as a failed write instead of an uncaught exception', async () => {
  pair = await createPtyPair();
  const sink = await serialSink(pair.meter, { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });
  await sink.write(Uint8Array.of(1, 2, 3));
  await pair.unplug();
  let failure: unknown;
  for (let i = 0; i < 50 && failure === undefined; i++) {
    await sink.write(Uint8Array.of(1, 2, 3)).catch((e: unknown) => (failure = e));
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(failure).toBeInstanceOf(Error);
  await sink.close();
});
