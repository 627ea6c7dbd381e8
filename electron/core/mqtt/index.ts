/** MQTT publishing for the core: broker connection, offline queue, ack-paced publisher, embedded broker. */
export {
  BrokerConnection,
  ConnectionLostError,
  PublishRejectedError,
  type BrokerConnectionEvents,
  type CloseOptions,
  type ConnectionState,
  type ConnectionStatus,
} from './broker-connection.ts';
export type { BrokerConnectionOptions, ConnectionProblem, ConnectionProblemKind } from './connection-options.ts';
export {
  EmbeddedBrokerError,
  startEmbeddedBroker,
  type EmbeddedBroker,
  type EmbeddedBrokerErrorKind,
  type EmbeddedBrokerOptions,
} from './embedded-broker.ts';
export {
  OfflineQueue,
  QueueWriteError,
  type OfflineQueueEvents,
  type OfflineQueueOptions,
  type OfflineQueueStats,
  type StoredRecord,
} from './offline-queue.ts';
export { openMqttPublishing, type MqttPublishing, type MqttPublishingOptions } from './open-publishing.ts';
export type { OutboundMessage } from './outbound-message.ts';
export {
  MqttPublisher,
  type PublishResult,
  type PublisherEvents,
  type PublisherOptions,
  type PublisherStats,
} from './publisher.ts';
