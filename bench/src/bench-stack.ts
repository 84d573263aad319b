import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { apiSettings, ApiSettings, engineSettings, EngineSettings } from '@credit/config';
import { createKafka, ensureTopics, topicSpecs } from '@credit/kafka';
import { runMigrations } from '@credit/postgres';

/** A stack of its own for one bench run: topics, group, Redis prefix and database, removed at the end. */
export interface BenchStack {
  id: string;
  env: Record<string, string>;
  engine: EngineSettings;
  api: ApiSettings;
  kafka: Kafka;
  redis: Redis;
  cleanup(): Promise<void>;
}

export async function benchStack(partitions: number): Promise<BenchStack> {
  const id = randomBytes(3).toString('hex');
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    TOPIC_DOCUMENTS: `b${id}.erp.documents`,
    TOPIC_JOURNAL_ENTRIES: `b${id}.erp.journal-entries`,
    TOPIC_BILL_PORTFOLIO: `b${id}.erp.bill-portfolio`,
    TOPIC_CREDIT_LIMITS: `b${id}.risk.credit-limits`,
    TOPIC_CUSTOMERS: `b${id}.erp.customers`,
    TOPIC_BREACHES: `b${id}.risk.breaches`,
    TOPIC_BLOCKS: `b${id}.risk.blocks`,
    TOPIC_DEAD_LETTER: `b${id}.risk.dead-letter`,
    ENGINE_GROUP_ID: `bench-engine-${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `cebench:${id}:`,
    POSTGRES_URL: `postgres://postgres@127.0.0.1:5432/ce_bench_${id}`,
    AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
    ENGINE_HEALTH_PORT: '0',
    API_PORT: '0',
    ENGINE_SESSION_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'warn',
  };
  const engine = engineSettings(env);
  const api = apiSettings(env);
  const kafka = createKafka(engine.kafka, `bench-${id}`);
  await ensureTopics(kafka, topicSpecs(engine.kafka));
  await runMigrations(engine.postgres);
  const redis = new Redis(engine.redis.url);
  return {
    id,
    env,
    engine,
    api,
    kafka,
    redis,
    cleanup: async () => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(engine.kafka.topics) }).catch(() => undefined);
      await admin.disconnect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${engine.redis.keyPrefix}*`, 'COUNT', 5000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
      const admin2 = new DataSource({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin2.initialize();
      await admin2.query(`DROP DATABASE IF EXISTS "ce_bench_${id}" WITH (FORCE)`);
      await admin2.destroy();
    },
  };
}

/** Starts one of the built apps as its own process, as in production. */
export function startApp(app: 'exposure-engine' | 'risk-api', env: Record<string, string>): ChildProcess {
  const main = join(__dirname, `../../apps/${app}/src/main.js`);
  const nodeArgs = process.env.BENCH_ENGINE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, ...env, ENV_FILE: '/nonexistent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

export function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process in bytes, from /proc. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}
