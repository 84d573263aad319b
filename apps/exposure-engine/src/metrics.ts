import { Kafka } from 'kafkajs';
import Redis from 'ioredis';
import { EngineSettings } from '@credit/config';
import { projectionBacklog, RedisKeys } from '@credit/redis';
import { ConsumerLagProbe, EngineMetrics, kafkaWatermarks } from '@credit/observability';

/**
 * The engine's instruments, with the probes its gauges read at scrape time:
 * the Redis outbox's length, the customers and events the projection is behind by, and each input
 * partition's lag (Kafka high watermark against the applied offset in Redis).
 */
export function engineMetrics(settings: EngineSettings, kafka: Kafka, redis: Redis): EngineMetrics {
  const keys = new RedisKeys(settings.redis.keyPrefix);
  const t = settings.kafka.topics;
  const watermarks = kafkaWatermarks(kafka);
  const lag = new ConsumerLagProbe(
    [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers],
    watermarks.fetch,
    (partitions) => redis.mget(partitions.map(({ topic, partition }) => keys.applied(topic, partition))),
  );
  const metrics = new EngineMetrics({
    outboxBacklog: () => redis.xlen(keys.outbox()),
    projectionBacklog: () => projectionBacklog(redis, keys),
    consumerLag: () => lag.sample(),
  });
  metrics.onClose(() => watermarks.close());
  return metrics;
}
