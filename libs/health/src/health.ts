import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';

export type DependencyCheck = () => Promise<unknown>;

/**
 * What the readiness routes answer. A down dependency is named, never
 * explained: its error goes to the log (`onDown`), not to whoever asks.
 */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number }>;
}

/** Called with each dependency found down and the error that said so. */
export type DownListener = (dependency: string, error: string) => void;

/** Runs every check in parallel, each bounded by a timeout; ready only when all are up. */
export async function checkHealth(
  checks: Record<string, DependencyCheck>,
  timeoutMs = 2000,
  onDown: DownListener = () => undefined,
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
        onDown(name, error instanceof Error ? error.message : String(error));
        return [name, { status: 'down' as const, latencyMs: Date.now() - started }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: entries.every(([, r]) => r.status === 'up') ? 'ok' : 'unavailable', checks: report };
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
 * The checks of an app that uses Kafka, Redis and Postgres: the cluster
 * answers over the app's one long-lived probe connection (libs/kafka ClusterProbe), Redis answers PING, Postgres answers a query (a data source not
 * connected yet is connected by the check).
 */
export function serviceChecks(deps: {
  kafka: { check(): Promise<unknown> };
  redis: Redis;
  db: DataSource;
}): Record<'kafka' | 'redis' | 'postgres', DependencyCheck> {
  return {
    kafka: () => deps.kafka.check(),
    redis: () => deps.redis.ping(),
    postgres: async () => (deps.db.isInitialized ? deps.db.query('SELECT 1') : deps.db.initialize()),
  };
}
