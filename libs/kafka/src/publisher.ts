import { CompressionTypes, Kafka, Message, PartitionerArgs, Partitioners, Producer } from 'kafkajs';
import { MessagePublisher, OutboundMessage } from './ports';

/**
 * An idempotent producer: a retried send never writes a message twice, and a
 * send resolves only once every message is acknowledged.
 *
 * kafkajs 2 can resolve a send without having sent some of its messages: when
 * the leader of a partition dies mid-send, the retry remembers the brokers that
 * already answered and skips them, so the partition's messages, now led by one
 * of those brokers, are never sent (seen on a 3-broker cluster,
 * test/faults/clusters.fault-spec.ts). The publisher therefore records the
 * partition each message was given and sends again those whose partition the
 * answer does not name.
 */
export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  /** The partition kafkajs gave each message in its latest attempt. */
  private readonly partitionOf = new WeakMap<Message, number>();

  constructor(kafka: Kafka) {
    const partitionOf = this.partitionOf;
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // An idempotent producer must keep retrying, or a failed batch could be skipped or reordered.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
      createPartitioner: () => {
        const partitioner = Partitioners.DefaultPartitioner();
        return (args: PartitionerArgs) => {
          const partition = partitioner(args);
          partitionOf.set(args.message, partition);
          return partition;
        };
      },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    let pending: { topic: string; message: Message }[] = messages.map((m) => ({
      topic: m.topic,
      message: { key: m.key, value: m.value, headers: m.headers },
    }));
    while (pending.length > 0) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, message } of pending) {
        const list = byTopic.get(topic) ?? [];
        list.push(message);
        byTopic.set(topic, list);
      }
      const answered = await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
      });
      const acknowledged = new Set(answered.map((r) => `${r.topicName}:${r.partition}`));
      const left = pending.filter(
        ({ topic, message }) => !acknowledged.has(`${topic}:${this.partitionOf.get(message)}`),
      );
      if (left.length === pending.length)
        throw new Error(`Kafka acknowledged none of ${pending.length} messages; the sender retries them`);
      pending = left;
    }
  }
}
