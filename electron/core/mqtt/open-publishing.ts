/** The three parts wired the one right way: queue opened first, publisher attached, then the connection started. */
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
  /** Hands in-flight messages to the queue (waiting up to `drainTimeoutMs` for acknowledgements), then disconnects. */
  close(options?: CloseOptions & { drainTimeoutMs?: number }): Promise<void>;
}

export async function openMqttPublishing(options: MqttPublishingOptions): Promise<MqttPublishing> {
  const queue = await OfflineQueue.open(options.queue);
  const connection = new BrokerConnection(options.broker);
  const publisher = new MqttPublisher(connection, queue, options);
  connection.start();
  return {
    publisher,
    connection,
    queue,
    async close(closeOptions = {}) {
      await publisher.close(closeOptions);
      await connection.close(closeOptions);
      await queue.close();
    },
  };
}
