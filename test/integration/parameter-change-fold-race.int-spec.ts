import Redis from 'ioredis';
import { DEFAULT_PARAMETERS } from '@credit/domain';
import { CompanyParametersStore, RedisExposureStore, redisKeysOf } from '@credit/redis';
import { INestApplication } from '@nestjs/common';
import { ReviewScheduler } from '../../apps/exposure-engine/src/review-scheduler';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer } from '../support/kafka-io';
import { startEngine, TestClock } from '../support/running-apps';

const COMPANY = 'IT01';
const KEY = `${COMPANY}:RACE`;

/**
 * A fold that assessed a customer with the parameters read just before a
 * change (the engine caches them for 2 s) commits after the change has put the
 * customer up for review. That review must still happen: before the fix the
 * fold's commit replaced it with the next date-driven review, and the customer
 * kept the old parameters' total until its next event or date change (the
 * independent-reference fault spec saw it as one customer's stale total).
 */
describe('a parameter change racing a fold', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let producer: TestProducer;
  let redis: Redis;
  let store: RedisExposureStore;
  let parameters: CompanyParametersStore;

  beforeAll(async () => {
    // The scheduler runs only when the test asks it to, after the racing fold has committed.
    stack = await isolatedStack({ ENGINE_REVIEW_INTERVAL_MS: '3600000' });
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    redis = new Redis(stack.engine.redis.url);
    const keys = redisKeysOf(stack.engine);
    store = new RedisExposureStore(redis, keys);
    parameters = new CompanyParametersStore(redis, keys);
    engine = await startEngine(stack, new TestClock(new Date('2026-03-02T09:00:00Z')));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await engine?.close();
    redis?.disconnect();
    await stack?.cleanup();
  });

  const order = (orderId: string, amount: string) => ({
    companyId: COMPANY,
    customerId: 'RACE',
    eventId: `evt-${orderId}`,
    type: 'order.confirmed',
    data: { orderId, amount },
  });
  /** The record once a fold has committed after `version` (versions start from the store's epoch). */
  const folded = (version: number) =>
    eventually(
      async () => (await store.records([KEY])).get(KEY),
      (record) => record !== undefined && record.version > version,
      30_000,
      10,
    ).then((record) => record!);

  it('re-assesses with the new parameters a customer folded with the old ones after the change', async () => {
    const withoutOrders = {
      ...DEFAULT_PARAMETERS,
      includedComponents: { ...DEFAULT_PARAMETERS.includedComponents, orders: false },
    };
    await parameters.save(COMPANY, withoutOrders);
    await producer.events(stack.engine.kafka.topics.documents, [order('SO-1', '900.00')]);
    // This fold has just loaded the parameters into the engine's cache.
    const first = await folded(0);
    expect(first.assessment?.total).toBe(0n);

    await parameters.save(COMPANY, DEFAULT_PARAMETERS);
    await producer.events(stack.engine.kafka.topics.documents, [order('SO-2', '100.00')]);
    const raced = await folded(first.version);
    // Folded within the cache's life: with the parameters of before the change.
    expect([raced.assessment?.components.orders, raced.assessment?.total]).toEqual([1000_00n, 0n]);

    await engine.get(ReviewScheduler).reviewDue();
    const reviewed = (await store.records([KEY])).get(KEY)!;
    expect(reviewed.assessment?.total).toBe(1000_00n);
  });

  it('keeps the review forced by a change when a batch after it only ignores facts of the customer', async () => {
    const withoutOrders = {
      ...DEFAULT_PARAMETERS,
      includedComponents: { ...DEFAULT_PARAMETERS.includedComponents, orders: false },
    };
    const before = (await store.records([KEY])).get(KEY)!;
    expect(before.assessment?.total).toBe(1000_00n);
    await parameters.save(COMPANY, withoutOrders);
    // Past the cache's life: the next fold reads the new parameters, but assesses nothing with them.
    await new Promise((r) => setTimeout(r, 2_500));
    // A new eventId about SO-1, older than its last change: ignored, yet committed (its id is remembered).
    await producer.events(stack.engine.kafka.topics.documents, [
      { ...order('SO-1', '900.00'), eventId: 'evt-SO-1-older', occurredAt: '2026-03-01T08:00:00+01:00' },
    ]);
    const ignored = await folded(before.version);
    expect(ignored.assessment?.total).toBe(1000_00n);

    await engine.get(ReviewScheduler).reviewDue();
    const reviewed = (await store.records([KEY])).get(KEY)!;
    expect(reviewed.assessment?.total).toBe(0n);
  });
});
