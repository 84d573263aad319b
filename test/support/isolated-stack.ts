import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { apiSettings, ApiSettings, engineSettings, EngineSettings } from '@credit/config';
import { createKafka, ensureTopics, topicSpecs } from '@credit/kafka';

/**
 * Settings for one test suite with nothing shared: its own topics, consumer
 * group, Redis key prefix and Postgres database, all removed by `cleanup`.
 */
export interface IsolatedStack {
  id: string;
  /** The environment these settings came from, for starting the apps as processes. */
  env: Record<string, string>;
  engine: EngineSettings;
  api: ApiSettings;
  kafka: Kafka;
  cleanup(): Promise<void>;
}

export async function isolatedStack(overrides: Record<string, string> = {}): Promise<IsolatedStack> {
  const id = randomBytes(4).toString('hex');
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PARTITIONS: '3',
    TOPIC_DOCUMENTS: `t${id}.erp.documents`,
    TOPIC_JOURNAL_ENTRIES: `t${id}.erp.journal-entries`,
    TOPIC_BILL_PORTFOLIO: `t${id}.erp.bill-portfolio`,
    TOPIC_CREDIT_LIMITS: `t${id}.risk.credit-limits`,
    TOPIC_CUSTOMERS: `t${id}.erp.customers`,
    TOPIC_BREACHES: `t${id}.risk.breaches`,
    TOPIC_BLOCKS: `t${id}.risk.blocks`,
    TOPIC_DEAD_LETTER: `t${id}.risk.dead-letter`,
    ENGINE_GROUP_ID: `engine-${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `cetest:${id}:`,
    POSTGRES_URL: `postgres://postgres@127.0.0.1:5432/ce_test_${id}`,
    AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
    ENGINE_HEALTH_PORT: '0',
    API_PORT: '0',
    ENGINE_REVIEW_INTERVAL_MS: '200',
    ENGINE_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const engine = engineSettings(env);
  const api = apiSettings(env);
  const kafka = createKafka(engine.kafka, `test-${id}`);
  await ensureTopics(kafka, topicSpecs(engine.kafka));
  return {
    id,
    env,
    engine,
    api,
    kafka,
    cleanup: async () => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(engine.kafka.topics) }).catch(() => undefined);
      await admin.deleteGroups([engine.groupId]).catch(() => undefined);
      await admin.disconnect();
      const redis = new Redis(engine.redis.url);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${engine.redis.keyPrefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
      const admin2 = new DataSource({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin2.initialize();
      await admin2.query(`DROP DATABASE IF EXISTS "ce_test_${id}" WITH (FORCE)`);
      await admin2.destroy();
    },
  };
}
