import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

export type DependencyCheck = () => Promise<unknown>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number; error?: string }>;
}

/** Runs every check in parallel, each bounded by a timeout; ready only when all are up. */
export async function checkHealth(
  checks: Record<string, DependencyCheck>,
  timeoutMs = 2000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { status: 'up' as const, latencyMs: Date.now() - started }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [name, { status: 'down' as const, latencyMs: Date.now() - started, error: message }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: entries.every(([, r]) => r.status === 'up') ? 'ok' : 'unavailable', checks: report };
}

/**
 * The checks of an app that uses Kafka, Redis and Postgres: the cluster
 * answers, Redis answers PING, Postgres answers a query (a data source not
 * connected yet is connected by the check).
 */
export function serviceChecks(deps: {
  kafka: Kafka;
  redis: Redis;
  db: DataSource;
}): Record<'kafka' | 'redis' | 'postgres', DependencyCheck> {
  return {
    kafka: async () => {
      const admin = deps.kafka.admin();
      await admin.connect();
      try {
        return await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    },
    redis: () => deps.redis.ping(),
    postgres: async () => (deps.db.isInitialized ? deps.db.query('SELECT 1') : deps.db.initialize()),
  };
}
