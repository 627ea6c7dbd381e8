/** The framers' buffer: whatever the chunk sizes, it holds exactly the bytes appended and not yet consumed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBuffer } from '../../../shared/protocols/byte-buffer.ts';

describe('ByteBuffer', () => {
  it('holds what was appended and not consumed, through growth, compaction and shrinking', () => {
    const step = fc.oneof(
      fc.record({ append: fc.uint8Array({ maxLength: 3000 }) }),
      fc.record({ consume: fc.nat(4000) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const buffer = new ByteBuffer(16);
        let model: number[] = [];
        for (const s of steps) {
          if ('append' in s) {
            buffer.append(s.append);
            model.push(...s.append);
          } else {
            buffer.consume(s.consume);
            model = model.slice(s.consume);
          }
          expect(Array.from(buffer.view())).toEqual(model);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives back the room of a huge chunk once it is consumed', () => {
    const buffer = new ByteBuffer();
    buffer.append(new Uint8Array(1 << 20).fill(7));
    buffer.consume((1 << 20) - 3);
    expect(Array.from(buffer.view())).toEqual([7, 7, 7]);
    buffer.append(Uint8Array.of(1));
    expect(Array.from(buffer.view())).toEqual([7, 7, 7, 1]);
  });
});
