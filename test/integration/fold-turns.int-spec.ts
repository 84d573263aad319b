import Redis from 'ioredis';
import { INestApplication } from '@nestjs/common';
import { customerKey, inputMessage, rawEvent, RawEnvelope } from '@credit/contracts';
import { InboundBatch, partitionOfKey } from '@credit/kafka';
import { EngineMetrics } from '@credit/observability';
import { RedisExposureStore, redisKeysOf } from '@credit/redis';
import { createEngineApp } from '../../apps/exposure-engine/src/app';
import { FoldService } from '../../apps/exposure-engine/src/fold.service';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { TestClock } from '../support/running-apps';

const COMPANY = 'IT01';

/**
 * The consumer hands over batches of several partitions at once when
 * ENGINE_PARTITIONS_CONCURRENTLY > 1. Batches of one partition number are about
 * the same customers whatever their topic, so they must fold one after the
 * other; batches of different partitions fold side by side. Without the turns,
 * the two batches below both read the customer at one version and one of them
 * has to fold again (a conflict).
 */
describe('batches folded concurrently', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let fold: FoldService;
  let metrics: EngineMetrics;
  let redis: Redis;
  let store: RedisExposureStore;

  beforeAll(async () => {
    stack = await isolatedStack();
    engine = await createEngineApp(
      { settings: { ...stack.engine, role: 'fold' }, clock: new TestClock(new Date('2026-03-02T09:00:00Z')) },
      ['error'],
    );
    await engine.init();
    fold = engine.get(FoldService);
    await fold.adoptStoreEpoch();
    metrics = engine.get(EngineMetrics);
    redis = new Redis(stack.engine.redis.url);
    store = new RedisExposureStore(redis, redisKeysOf(stack.engine));
  });

  afterAll(async () => {
    redis?.disconnect();
    await engine?.close();
    await stack?.cleanup();
  });

  /** A customer id whose key falls in `partition`. */
  const customerIn = (partition: number, tag: string) => {
    for (let i = 0; ; i++) {
      const customerId = `${tag}${i}`;
      if (partitionOfKey(customerKey(COMPANY, customerId), stack.engine.kafka.partitions) === partition)
        return customerId;
    }
  };
  const batchOf = (topic: string, partition: number, event: RawEnvelope): InboundBatch => ({
    topic,
    partition,
    messages: [{ topic, partition, ...inputMessage(event), offset: '0', timestamp: String(Date.now()) }],
  });

  it('folds the topics of one partition in turn, without conflicts', async () => {
    const topics = stack.engine.kafka.topics;
    const conflictsBefore = (await metrics.foldConflicts.get()).values[0]?.value ?? 0;
    const customers = [0, 1].map((partition) => ({
      partition,
      customerId: customerIn(partition, `TURN${partition}-`),
    }));
    const batches = customers.flatMap(({ partition, customerId }) => {
      const on = { companyId: COMPANY, customerId, occurredAt: '2026-03-02T08:00:00+01:00' };
      return [
        batchOf(
          topics.documents,
          partition,
          rawEvent('order.confirmed', { orderId: `SO-${customerId}`, amount: '100.00' }, on),
        ),
        batchOf(
          topics.creditLimits,
          partition,
          rawEvent('creditLimit.set', { amount: '50.00', mode: 'block', setBy: 'controller' }, on),
        ),
      ];
    });

    expect(await Promise.all(batches.map((batch) => fold.foldBatch(batch)))).toEqual(
      batches.map(() => 'folded'),
    );

    expect((await metrics.foldConflicts.get()).values[0]?.value ?? 0).toBe(conflictsBefore);
    const records = await store.records(customers.map((c) => customerKey(COMPANY, c.customerId)));
    for (const { customerId } of customers) {
      const record = records.get(customerKey(COMPANY, customerId))!;
      expect(record.assessment).toMatchObject({ total: 100_00n, limitAmount: 50_00n, status: 'EXCEEDED' });
    }
  });
});
