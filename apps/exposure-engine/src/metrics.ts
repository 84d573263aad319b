import { Kafka } from 'kafkajs';
import { RedisClient } from '@credit/redis';
import { EngineSettings } from '@credit/config';
import { outboxBacklog, projectionBacklog, redisKeysOf } from '@credit/redis';
import { ConsumerLagProbe, EngineMetrics, kafkaWatermarks } from '@credit/observability';

/**
 * The engine's instruments, with the probes its gauges read at scrape time:
 * the Redis outbox's length, the customers and events the projection is behind by, and each input
 * partition's lag (Kafka high watermark against the applied offset in Redis).
 */
export function engineMetrics(settings: EngineSettings, kafka: Kafka, redis: RedisClient): EngineMetrics {
  const keys = redisKeysOf(settings);
  const t = settings.kafka.topics;
  const watermarks = kafkaWatermarks(kafka);
  const lag = new ConsumerLagProbe(
    [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers],
    watermarks.fetch,
    // One GET each: the partitions' offsets live in as many slots of a Redis Cluster.
    (partitions) =>
      Promise.all(partitions.map(({ topic, partition }) => redis.get(keys.applied(topic, partition)))),
  );
  const metrics = new EngineMetrics({
    outboxBacklog: () => outboxBacklog(redis, keys),
    projectionBacklog: () => projectionBacklog(redis, keys),
    consumerLag: () => lag.sample(),
  });
  metrics.onClose(() => watermarks.close());
  return metrics;
}
