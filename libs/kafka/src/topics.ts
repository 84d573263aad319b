import { ConfigResourceTypes, ITopicConfig, Kafka, Partitioners } from 'kafkajs';
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

/** Whatever the broker's defaults: the engine refuses input topics that delete history (truncatedHistory). */
const KEEP_EVERYTHING = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];

export function topicSpecs(settings: KafkaSettings): ITopicConfig[] {
  const compacted = new Set<keyof TopicNames>(['customers']);
  // With 3 replicas or more, an acknowledged message (acks=all) is on two at least: one broker may die.
  const durability = settings.replicationFactor >= 3 ? [{ name: 'min.insync.replicas', value: '2' }] : [];
  return (Object.keys(settings.topics) as (keyof TopicNames)[]).map((role) => ({
    topic: settings.topics[role],
    numPartitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    configEntries: [
      ...durability,
      ...(compacted.has(role)
        ? [{ name: 'cleanup.policy', value: 'compact' }]
        : role === 'deadLetter'
          ? [...KEEP_EVERYTHING, DEAD_LETTER_MAX_BYTES]
          : KEEP_EVERYTHING),
    ],
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

const keyPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default partitioner (murmur2, as the Java client and
 * kafkajs 2 do) gives a key among `partitions`: where a customer's events are.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return keyPartitioner({ topic: '-', partitionMetadata, message: { key, value: null } });
}

/**
 * Why an input topic cannot give a rebuild its whole history, one message per
 * setting: deleting old segments (retention.ms or retention.bytes other than
 * -1 under cleanup.policy delete) or compacting (cleanup.policy compact, except
 * on a topic where only the latest record per key matters). Empty: complete.
 */
export function truncatedHistory(
  topic: string,
  config: Record<string, string | undefined>,
  compactionAllowed: boolean,
): string[] {
  const policies = (config['cleanup.policy'] ?? 'delete').split(',').map((p) => p.trim());
  const problems: string[] = [];
  if (policies.includes('compact') && !compactionAllowed) {
    problems.push(
      `${topic}: cleanup.policy=${config['cleanup.policy']} compacts away events a rebuild needs`,
    );
  }
  if (policies.includes('delete')) {
    for (const setting of ['retention.ms', 'retention.bytes']) {
      const value = config[setting];
      if (value !== undefined && value !== '-1') {
        problems.push(`${topic}: ${setting}=${value} deletes events a rebuild needs (set it to -1)`);
      }
    }
  }
  return problems;
}

/** The effective configuration of topics (broker defaults included), by topic then setting. */
export async function topicConfigs(
  kafka: Kafka,
  topics: string[],
): Promise<Map<string, Record<string, string>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    return new Map(
      described.resources.map((resource) => [
        resource.resourceName,
        Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue])),
      ]),
    );
  } finally {
    await admin.disconnect();
  }
}
