import { createRedis, outboxBacklog, projectionBacklog, redisKeysOf } from '@credit/redis';
import { IsolatedStack } from './isolated-stack';

/**
 * Resolves when the engine has applied every message of every input partition
 * (lag zero against the applied offsets it keeps in Redis), published its
 * outbox and drained its projection queue.
 */
export async function waitUntilFolded(stack: IsolatedStack, timeoutMs = 120_000): Promise<void> {
  const t = stack.engine.kafka.topics;
  const inputs = [t.documents, t.journalEntries, t.billPortfolio, t.creditLimits, t.customers];
  const admin = stack.kafka.admin();
  await admin.connect();
  const redis = createRedis(stack.engine.redis, 'test-support');
  const keys = redisKeysOf(stack.engine);
  try {
    const ends: [string, number, bigint][] = [];
    for (const topic of inputs) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.push([topic, p.partition, BigInt(p.high)]);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let behind = 0;
      for (const [topic, partition, high] of ends) {
        if (high === 0n) continue;
        const applied = await redis.get(keys.applied(topic, partition));
        if (applied === null || BigInt(applied) < high - 1n) behind += 1;
      }
      const outbox = await outboxBacklog(redis, keys);
      const projection = await projectionBacklog(redis, keys);
      if (behind === 0 && outbox === 0 && projection === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `not folded within ${timeoutMs} ms: ${behind} partitions behind, outbox ${outbox}, projection ${projection}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    redis.disconnect();
    await admin.disconnect();
  }
}
