import { Kafka, ITopicConfig } from 'kafkajs';
import { KafkaSettings, TopicNames } from '@credit/config';

/**
 * Every topic of the contract. Input topics keep their history (the engine can
 * rebuild its state by replaying them); erp.customers is compacted because only
 * a customer's latest master record matters.
 */
/**
 * A dead letter is the original input (up to MAX_EVENT_BYTES, 16 MiB at most)
 * plus its dlq.* headers: over the broker's default 1 MB limit, it would be
 * refused on every retry and stall the outbox behind it.
 */
const DEAD_LETTER_MAX_BYTES = { name: 'max.message.bytes', value: String(17 * 1024 * 1024) };

export function topicSpecs(settings: KafkaSettings): ITopicConfig[] {
  const compacted = new Set<keyof TopicNames>(['customers']);
  return (Object.keys(settings.topics) as (keyof TopicNames)[]).map((role) => ({
    topic: settings.topics[role],
    numPartitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    configEntries: compacted.has(role)
      ? [{ name: 'cleanup.policy', value: 'compact' }]
      : role === 'deadLetter'
        ? [{ name: 'retention.ms', value: '-1' }, DEAD_LETTER_MAX_BYTES]
        : [{ name: 'retention.ms', value: '-1' }],
  }));
}

/** Creates the missing topics; existing ones are left as they are. Returns the names it created. */
export async function ensureTopics(kafka: Kafka, specs: ITopicConfig[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    return missing.map((spec) => spec.topic);
  } finally {
    await admin.disconnect();
  }
}
