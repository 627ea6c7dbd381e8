import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OfflineQueue,
  type OfflineQueueOptions,
  type StoredRecord,
} from '../../../electron/core/mqtt/offline-queue.ts';

let dir: string;
const opened: OfflineQueue[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smb-queue-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function openQueue(options: Partial<OfflineQueueOptions> = {}): Promise<OfflineQueue> {
  const queue = await OfflineQueue.open({ dir, ...options });
  opened.push(queue);
  return queue;
}

function reading(queue: OfflineQueue, n: number): StoredRecord {
  return {
    seq: queue.allocateSeq(),
    message: { topic: `meter/reading/${n}`, payload: `{"n":${n}}`, qos: 1, retain: false },
  };
}

async function appendReadings(queue: OfflineQueue, from: number, to: number): Promise<void> {
  const records: StoredRecord[] = [];
  for (let n = from; n <= to; n++) records.push(reading(queue, n));
  await queue.append(records);
}

const numbers = (records: StoredRecord[]): number[] => records.map((r) => Number(r.message.topic.split('/').pop()));

async function drain(queue: OfflineQueue): Promise<number[]> {
  const records = await queue.take(Number.MAX_SAFE_INTEGER);
  for (const r of records) queue.remove(r.seq);
  return numbers(records);
}

const segmentFiles = (): string[] => readdirSync(dir).filter((f) => f.startsWith('segment-'));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('offline queue', () => {
  it('gives back after a restart exactly what was appended, oldest first, text and bytes alike', async () => {
    const first = await openQueue();
    const binary = new Uint8Array([0, 255, 10, 13, 34, 92]);
    await first.append([
      { seq: first.allocateSeq(), message: { topic: 'a', payload: 'zähler "1"\n', qos: 1, retain: true } },
      { seq: first.allocateSeq(), message: { topic: 'b', payload: binary, qos: 0, retain: false } },
    ]);
    await first.close();

    const second = await openQueue();
    expect(second.stats()).toMatchObject({ messages: 2, damagedLines: 0, damagedFiles: 0 });
    const [a, b] = await second.take(10);
    expect(a!.message).toEqual({ topic: 'a', payload: 'zähler "1"\n', qos: 1, retain: true });
    expect(b!.message).toEqual({ topic: 'b', payload: binary, qos: 0, retain: false });
  });

  it('forgets removed (acknowledged) records across a restart, and keeps the rest', async () => {
    const first = await openQueue();
    await appendReadings(first, 1, 5);
    const taken = await first.take(3);
    for (const r of taken) first.remove(r.seq);
    await first.close();

    const second = await openQueue();
    expect(await drain(second)).toEqual([4, 5]);
  });

  it('sends again what was taken but never acknowledged before a crash (duplicates, not losses)', async () => {
    const first = await openQueue();
    await appendReadings(first, 1, 4);
    const taken = await first.take(4);
    first.remove(taken[0]!.seq);
    // No close(): the process dies with three messages in flight, and maybe before the removal of the first reached
    // the disk (removal markers are not fsync'd): 1 may come again, 2 to 4 must.
    const second = await openQueue();
    expect([
      [2, 3, 4],
      [1, 2, 3, 4],
    ]).toContainEqual(await drain(second));
  });

  it('numbers new messages after the newest on disk', async () => {
    const first = await openQueue();
    await appendReadings(first, 1, 3);
    await first.close();
    const second = await openQueue();
    expect(second.allocateSeq()).toBe(4);
  });

  it('hands released records out again in their original place', async () => {
    const queue = await openQueue();
    await appendReadings(queue, 1, 5);
    const firstTwo = await queue.take(2);
    expect(numbers(await queue.take(1))).toEqual([3]);
    queue.release(firstTwo.map((r) => r.seq));
    expect(numbers(await queue.take(10))).toEqual([1, 2, 4, 5]);
  });

  it('puts records older than the queue (a failed live send) before the newer ones', async () => {
    const queue = await openQueue();
    const older = [reading(queue, 1), reading(queue, 2)];
    await appendReadings(queue, 3, 4);
    await queue.append(older);
    await queue.close();
    expect(await drain(await openQueue())).toEqual([1, 2, 3, 4]);
  });

  it('drops the oldest when the message cap is reached, and counts them', async () => {
    const queue = await openQueue({ maxMessages: 10 });
    const events: number[] = [];
    queue.on('dropped', (count) => events.push(count));
    await appendReadings(queue, 1, 25);
    expect(queue.stats()).toMatchObject({ messages: 10, dropped: 15 });
    expect(events.reduce((a, b) => a + b, 0)).toBe(15);
    await queue.close();
    expect(await drain(await openQueue({ maxMessages: 10 }))).toEqual(range(16, 25));
  });

  it('drops the oldest when the byte cap is reached', async () => {
    const queue = await openQueue({ maxBytes: 1000 });
    await appendReadings(queue, 1, 100);
    const { messages, bytes, dropped } = queue.stats();
    expect(bytes).toBeLessThanOrEqual(1000);
    expect(messages + dropped).toBe(100);
    expect(await drain(queue)).toEqual(range(101 - messages, 100));
  });

  it('skips and counts damaged lines (flipped byte, torn last line) and keeps every good one', async () => {
    const first = await openQueue();
    await appendReadings(first, 1, 5);
    await first.close();
    const [file] = segmentFiles();
    const path = join(dir, file!);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('reading/3', 'reading/8'); // bit rot in record 3
    writeFileSync(path, lines.join('\n') + '5a5a5a5a {"seq":99,"top'); // a write cut by a power failure

    const second = await openQueue();
    expect(second.stats()).toMatchObject({ messages: 4, damagedLines: 2 });
    expect(await drain(second)).toEqual([1, 2, 4, 5]);
  });

  it('sets aside a file it cannot read (garbage, or another format version) and starts anyway', async () => {
    const first = await openQueue();
    await appendReadings(first, 1, 2);
    await first.close();
    writeFileSync(join(dir, 'segment-0000000000000500.log'), 'this is not a queue file\n{"seq":500}\n');
    writeFileSync(
      join(dir, 'segment-0000000000000600.log'),
      '00000000 {"format":"smartmeter-bridge/offline-queue/segment","version":99}\n',
    );

    const second = await openQueue();
    expect(second.stats()).toMatchObject({ messages: 2, damagedFiles: 2 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.unreadable'))).toHaveLength(2);
    expect(await drain(second)).toEqual([1, 2]);
  });

  it('deletes its files once everything is delivered', async () => {
    const queue = await openQueue({ segmentMaxRecords: 3 });
    await appendReadings(queue, 1, 10);
    expect(segmentFiles()).toHaveLength(4);
    expect(await drain(queue)).toEqual(range(1, 10));
    await queue.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads a long backlog back from disk in order, segment by segment', async () => {
    const first = await openQueue({ segmentMaxRecords: 10 });
    for (let n = 1; n <= 500; n += 50) await appendReadings(first, n, n + 49);
    const delivered: number[] = [];
    for (let batch = await first.take(7); batch.length > 0; batch = await first.take(7)) {
      delivered.push(...numbers(batch));
      for (const r of batch) first.remove(r.seq);
      if (delivered.length === 200) break;
    }
    await first.close();
    const second = await openQueue({ segmentMaxRecords: 10 });
    delivered.push(...(await drain(second)));
    expect(delivered).toEqual(range(1, 500));
  });

  it('hands out records whose write finishes while an older segment is being read back', async () => {
    const queue = await openQueue({ segmentMaxRecords: 2 });
    for (let n = 1; n <= 5; n += 2) await appendReadings(queue, n, n + 1); // the third segment is kept on disk only
    for (const r of await queue.take(2)) queue.remove(r.seq); // the first segment goes
    const written = appendReadings(queue, 7, 8); // a fourth segment, its write still on its way
    expect(numbers(await queue.take(100))).toEqual([3, 4, 5, 6, 7, 8]);
    await written;
  });

  it('refuses to append after close', async () => {
    const queue = await openQueue();
    await queue.close();
    await expect(queue.append([reading(queue, 1)])).rejects.toThrow(/closed/);
  });
});
