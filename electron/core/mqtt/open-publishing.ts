/** The three parts wired the one right way: queue locked and opened first, publisher attached, then the connection. */
import { lockDir } from '../service/dir-lock.ts';
import { BrokerConnection, type CloseOptions } from './broker-connection.ts';
import type { BrokerConnectionOptions } from './connection-options.ts';
import { OfflineQueue, type OfflineQueueOptions } from './offline-queue.ts';
import { MqttPublisher, type PublisherOptions } from './publisher.ts';

export interface MqttPublishingOptions extends PublisherOptions {
  broker: BrokerConnectionOptions;
  queue: OfflineQueueOptions;
}

export interface MqttPublishing {
  publisher: MqttPublisher;
  connection: BrokerConnection;
  queue: OfflineQueue;
  /**
   * Sends what is pending for up to `drainTimeoutMs` (default 5 s), hands the rest to the queue on disk, disconnects
   * and unlocks the queue directory. Safe to call twice.
   */
  close(options?: CloseOptions & { drainTimeoutMs?: number }): Promise<void>;
}

/** Rejects with DirLockedError when another bridge (or another publishing here) uses the queue directory. */
export async function openMqttPublishing(options: MqttPublishingOptions): Promise<MqttPublishing> {
  const lock = await lockDir(options.queue.dir);
  let queue: OfflineQueue;
  try {
    queue = await OfflineQueue.open(options.queue);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const connection = new BrokerConnection(options.broker);
  const publisher = new MqttPublisher(connection, queue, options);
  connection.start();
  let closing: Promise<void> | undefined;
  return {
    publisher,
    connection,
    queue,
    close(closeOptions = {}) {
      closing ??= (async () => {
        await publisher.close(closeOptions);
        await connection.close(closeOptions);
        await queue.close();
        await lock.release();
      })();
      return closing;
    },
  };
}
