/**
 * The offline queue's file operations, run one at a time in call order. Consecutive appends to one segment share one
 * write and one fdatasync (group commit: whatever arrives while the previous write is on its way goes out as one),
 * and consecutive removal markers share one write to removed.log.
 */
import type { Entry, Segment } from './queue-segment.ts';

export interface AppendOp {
  segment: Segment;
  text: string;
  entries: Entry[];
  done: Deferred;
}

interface Deferred {
  resolve: () => void;
  reject: (error: Error) => void;
}

type IoOp =
  | ({ kind: 'append'; written: Promise<void> } & AppendOp)
  | { kind: 'removed'; text: string }
  | { kind: 'task'; run: () => Promise<void>; done: Deferred };

export interface QueueIoHandlers {
  /** Writes an append and settles its `done`; never throws. */
  writeAppend(op: AppendOp): Promise<void>;
  appendRemoved(text: string): Promise<void>;
  /** A failed removal marker or task: it costs a duplicate at most. */
  warn(error: unknown): void;
}

export class QueueIo {
  private ops: IoOp[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly handlers: QueueIoHandlers) {}

  /** Adds `line` to the write waiting for `segment`, or starts one; resolves when that write is on disk. */
  append(segment: Segment, line: string, entry: Entry, header: string): Promise<void> {
    const last = this.ops.at(-1);
    if (last?.kind === 'append' && last.segment === segment) {
      last.text += line;
      last.entries.push(entry);
      return last.written;
    }
    let done!: Deferred;
    const written = new Promise<void>((resolve, reject) => (done = { resolve, reject }));
    // Whoever appends handles a failure; a write nobody waits for must not become an unhandled rejection.
    written.catch(() => {});
    this.push({ kind: 'append', segment, text: header + line, entries: [entry], done, written });
    return written;
  }

  removed(text: string): void {
    const last = this.ops.at(-1);
    if (last?.kind === 'removed') last.text += text;
    else this.push({ kind: 'removed', text });
  }

  /** Runs `run` in turn with the other file operations; a failure becomes a warning. */
  task(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.push({ kind: 'task', run, done: { resolve, reject } }));
  }

  /** Resolves once every operation asked for so far is done. */
  async idle(): Promise<void> {
    await this.running;
  }

  private push(op: IoOp): void {
    this.ops.push(op);
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    for (let op = this.ops.shift(); op; op = this.ops.shift()) {
      try {
        if (op.kind === 'append') await this.handlers.writeAppend(op);
        else if (op.kind === 'removed') await this.handlers.appendRemoved(op.text);
        else await op.run();
      } catch (error) {
        this.handlers.warn(error);
      }
      if (op.kind === 'task') op.done.resolve();
    }
    this.running = undefined;
  }
}
