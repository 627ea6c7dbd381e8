import { describe, expect, it } from 'vitest';
import { createDlmsDecoder } from '../../../shared/protocols/dlms/index.ts';
import { encodeDataNotification, encodeGbtBlocks, encodeHdlc } from '../../../shared/protocols/dlms/encode.ts';
import { BIG_PUSH, concatBytes, errorKinds, feed, messages, valueOf } from './fixtures.ts';

const blocks = encodeGbtBlocks(encodeDataNotification(BIG_PUSH), 150);
/** Each block in its own HDLC frame, the first with the LLC header, as Landis+Gyr meters send them. */
const wire = (order: number[]): Uint8Array =>
  concatBytes(...order.map((i) => encodeHdlc(blocks[i]!, { llc: i === 0 })));

describe('general block transfer', () => {
  it('splits the push into several blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('reassembles blocks in order', () => {
    const out = feed(createDlmsDecoder(), wire(blocks.map((_, i) => i)));
    expect(errorKinds(out)).toEqual([]);
    expect(valueOf(messages(out)[0], '1-0:1.8.20')).toEqual({ value: 100020, unit: 'Wh' });
  });

  it('drops a sequence with a repeated block and with blocks out of order', () => {
    const repeated = feed(createDlmsDecoder(), wire([0, 1, 1, 2, 3, ...blocks.slice(4).map((_, i) => i + 4)]));
    expect(messages(repeated)).toHaveLength(0);
    expect(errorKinds(repeated)).toContain('syntax');
    const swapped = feed(createDlmsDecoder(), wire([0, 2, 1, ...blocks.slice(3).map((_, i) => i + 3)]));
    expect(messages(swapped)).toHaveLength(0);
    expect(errorKinds(swapped)).toContain('syntax');
  });

  it('reports an abandoned sequence, then decodes the complete one that restarts', () => {
    const out = feed(createDlmsDecoder(), wire([0, 1, ...blocks.map((_, i) => i)]));
    expect(errorKinds(out)).toEqual(['truncated']);
    expect(messages(out)).toHaveLength(1);
  });

  it('reports a sequence left without its last block at the end of the stream', () => {
    const out = feed(createDlmsDecoder(), wire([0, 1]));
    expect(messages(out)).toHaveLength(0);
    expect(errorKinds(out)).toEqual(['truncated']);
  });

  it('reads bare GBT blocks as well', () => {
    const out = feed(createDlmsDecoder(), concatBytes(...blocks), 5);
    expect(messages(out)).toHaveLength(1);
    expect(messages(out)[0]?.info.transport).toBe('raw');
  });
});
