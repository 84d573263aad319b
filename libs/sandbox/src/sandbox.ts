import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { Cluster } from 'ioredis';
import { DataSource } from 'typeorm';
import {
  apiSettings,
  ApiSettings,
  engineSettings,
  EngineSettings,
  notifierSettings,
  NotifierSettings,
  RedisSettings,
} from '@credit/config';
import { createKafka, ensureTopics, topicSpecs } from '@credit/kafka';
import { createRedis } from '@credit/redis';

/**
 * A private stack on shared Kafka, Redis and Postgres: its own topics, consumer
 * group, Redis key prefix and database, so that test suites and benchmark runs
 * never see each other's data, and all of it removed by `cleanup`.
 */
export interface Sandbox {
  id: string;
  /** The environment the settings came from, for starting the apps as processes. */
  env: Record<string, string>;
  engine: EngineSettings;
  api: ApiSettings;
  notifier: NotifierSettings;
  kafka: Kafka;
  cleanup(): Promise<void>;
}

/** `purpose` names the topics, prefix and database, so a leftover is easy to recognise. */
export async function createSandbox(
  purpose: 'test' | 'bench',
  overrides: Record<string, string> = {},
): Promise<Sandbox> {
  const id = randomBytes(4).toString('hex');
  const topic = (name: string) => `${purpose[0]}${id}.${name}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PARTITIONS: '3',
    TOPIC_DOCUMENTS: topic('erp.documents'),
    TOPIC_JOURNAL_ENTRIES: topic('erp.journal-entries'),
    TOPIC_BILL_PORTFOLIO: topic('erp.bill-portfolio'),
    TOPIC_CREDIT_LIMITS: topic('risk.credit-limits'),
    TOPIC_CUSTOMERS: topic('erp.customers'),
    TOPIC_BREACHES: topic('risk.breaches'),
    TOPIC_BLOCKS: topic('risk.blocks'),
    TOPIC_DEAD_LETTER: topic('risk.dead-letter'),
    TOPIC_NOTIFICATIONS: topic('risk.notifications'),
    TOPIC_COLLECTIONS: topic('risk.collections'),
    ENGINE_GROUP_ID: `${purpose}-engine-${id}`,
    NOTIFIER_GROUP_ID: `${purpose}-notifier-${id}`,
    API_DEAD_LETTER_GROUP_ID: `${purpose}-dead-letters-${id}`,
    // A consumer group per API costs every suite a group join: on only where a suite asks for it.
    API_DEAD_LETTER_INTAKE: 'false',
    NOTIFIER_HEALTH_PORT: '0',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `ce${purpose}:${id}:`,
    POSTGRES_URL: `postgres://postgres@127.0.0.1:5432/ce_${purpose}_${id}`,
    AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
    ENGINE_HEALTH_PORT: '0',
    API_PORT: '0',
    // Suites and benchmark runs drive the API far above one client's rate; the faults suite sets its own limit.
    API_RATE_LIMIT: '10000000',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const engine = engineSettings(env);
  const api = apiSettings(env);
  const notifier = notifierSettings(env);
  const kafka = createKafka(engine.kafka, `${purpose}-${id}`);
  await ensureTopics(kafka, topicSpecs(engine.kafka));
  return {
    id,
    env,
    engine,
    api,
    notifier,
    kafka,
    cleanup: () => removeSandbox(engine, kafka, [engine.groupId, notifier.groupId, api.deadLetters.groupId]),
  };
}

/**
 * Deletes the keys matching `pattern`: on each master of a Redis Cluster, one
 * key per DEL (a cluster refuses one DEL across slots).
 */
export async function deleteKeys(settings: RedisSettings, pattern: string): Promise<void> {
  const client = createRedis(settings, 'sandbox-cleanup');
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  try {
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
        if (keys.length > 0) {
          const pipeline = node.pipeline();
          for (const key of keys) pipeline.del(key);
          await pipeline.exec();
        }
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}

async function removeSandbox(engine: EngineSettings, kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(engine.kafka.topics) }).catch(() => undefined);
  await admin.deleteGroups(groupIds).catch(() => undefined);
  await admin.disconnect();
  await deleteKeys(engine.redis, `${engine.redis.keyPrefix}*`);
  const database = new URL(engine.postgres.url);
  const name = decodeURIComponent(database.pathname.slice(1));
  database.pathname = '/postgres';
  const admin2 = new DataSource({ type: 'postgres', url: database.toString() });
  await admin2.initialize();
  await admin2.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  await admin2.destroy();
}
