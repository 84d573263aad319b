import type { RedisClient } from '@credit/redis';
import type { DataSource } from 'typeorm';

export type DependencyCheck = () => Promise<unknown>;

/**
 * What the readiness routes answer. A down dependency is named, never
 * explained: its error goes to the log, not to whoever asks.
 */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number }>;
}

/** `work`, or a rejection when it has not settled within `timeoutMs`. */
export async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `work` run at most once per `ttlMs`: callers within that time, and callers
 * while a run is still going, share its result (or its failure). Probes that
 * arrive in a storm cost one run.
 */
export function cachedFor<T>(ttlMs: number, work: () => Promise<T>): () => Promise<T> {
  let last: { result: Promise<T>; settledAt?: number } | undefined;
  return () => {
    if (last && (last.settledAt === undefined || Date.now() - last.settledAt < ttlMs)) return last.result;
    const run: { result: Promise<T>; settledAt?: number } = { result: work() };
    const settle = () => {
      run.settledAt = Date.now();
    };
    run.result.then(settle, settle);
    last = run;
    return run.result;
  };
}

/**
 * The readiness checks of a process, one per dependency its role uses (an
 * engine that only folds never touches Postgres; one that only projects never
 * reads Kafka): the cluster answers over the app's one long-lived probe
 * connection (libs/kafka ClusterProbe), Redis answers PING, Postgres answers a
 * query (a data source not connected yet is connected by the check).
 */
export function serviceChecks(deps: {
  kafka?: { check(): Promise<unknown> };
  redis?: RedisClient;
  db?: DataSource;
}): Record<string, DependencyCheck> {
  const { kafka, redis, db } = deps;
  const checks: Record<string, DependencyCheck> = {};
  if (kafka) checks.kafka = () => kafka.check();
  if (redis) checks.redis = () => redis.ping();
  if (db) checks.postgres = async () => (db.isInitialized ? db.query('SELECT 1') : db.initialize());
  return checks;
}
