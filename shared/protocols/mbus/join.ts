/**
 * Multi-telegram readouts (EN 13757-3: DIF 0x1F "more records follow"): a meter with more records than one frame
 * holds sends them in consecutive responses, each with the next access number. They are joined into one message per
 * device, so a reading is never split across two messages. A frame that does not continue the held one (another
 * device, an access number out of sequence) or the end of the stream releases the held frame as it is.
 */
import type { DecodeOutput, MbusMessage } from '../types.ts';

const MORE_RECORDS_FOLLOW = 'more-records-follow';

const continuesFrom = (held: MbusMessage, next: MbusMessage): boolean =>
  next.device.id === held.device.id &&
  next.device.manufacturer === held.device.manufacturer &&
  next.device.medium === held.device.medium &&
  next.device.accessNumber === ((held.device.accessNumber + 1) & 0xff);

const announcesMore = (m: MbusMessage): boolean => m.values.at(-1)?.function === MORE_RECORDS_FOLLOW;

/** `held`'s records without its end marker, then `next`'s, numbered anew; the header and clock of the latest frame. */
function join(held: MbusMessage, next: MbusMessage): MbusMessage {
  const values = [...held.values.slice(0, -1), ...next.values].map((r, record) => ({ ...r, record }));
  const timestamp = next.timestamp ?? held.timestamp;
  return { ...next, values, ...(timestamp !== undefined ? { timestamp } : {}) };
}

export class MultiFrameJoiner {
  private held: MbusMessage | null = null;

  push(output: DecodeOutput): DecodeOutput[] {
    if (!output.ok || output.message.protocol !== 'mbus') return [...this.release(), output];
    let message = output.message;
    const out: DecodeOutput[] = [];
    if (this.held && continuesFrom(this.held, message)) message = join(this.held, message);
    else out.push(...this.release());
    this.held = null;
    if (announcesMore(message)) this.held = message;
    else out.push({ ok: true, message });
    return out;
  }

  end(): DecodeOutput[] {
    return this.release();
  }

  private release(): DecodeOutput[] {
    const held = this.held;
    this.held = null;
    return held ? [{ ok: true, message: held }] : [];
  }
}
