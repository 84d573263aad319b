import Redis from 'ioredis';
import { INestApplication } from '@nestjs/common';
import { Commit, ExposureStore, RedisExposureStore, redisKeysOf } from '@credit/redis';
import { EXPOSURE_STORE } from '../../apps/exposure-engine/src/tokens';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startEngine, TestClock } from '../support/running-apps';

const COMPANY = 'IT01';
const CUSTOMER = 'C-FAIL';
const KEY = `${COMPANY}:${CUSTOMER}`;

/**
 * The fold changes the documents of the records it remembers in place
 * (CustomerDraft.take), so a commit that does not land must not leave them
 * behind: the batch is folded again from the stored state. Here the commit of
 * a batch [check of 300.00, order of 700.00] fails once; folded again from
 * the remembered documents (which already held the order), the check would
 * see 800.00 of orders and be held instead of allowed.
 */
describe('a commit that fails after the fold', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let redis: Redis;
  let stored: RedisExposureStore;

  const event = (eventId: string, type: string, data: Record<string, unknown>): RawEvent => ({
    companyId: COMPANY,
    customerId: CUSTOMER,
    eventId,
    type,
    data,
  });

  beforeAll(async () => {
    stack = await isolatedStack();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    recorder = new TopicRecorder(stack.kafka, [stack.engine.kafka.topics.blocks], `rec-${Date.now()}`);
    await recorder.start();
    redis = new Redis(stack.engine.redis.url);
    stored = new RedisExposureStore(redis, redisKeysOf(stack.engine));
    engine = await startEngine(stack, new TestClock(new Date('2026-03-02T09:00:00Z')));
  });

  afterAll(async () => {
    await recorder?.stop();
    await producer?.disconnect();
    await engine?.close();
    redis?.disconnect();
    await stack?.cleanup();
  });

  it('folds the batch again from the stored state, not from the documents the failed attempt changed', async () => {
    const topics = stack.engine.kafka.topics;
    await producer.events(topics.creditLimits, [
      event('limit', 'creditLimit.set', { amount: '1000.00', mode: 'block', setBy: 'maria' }),
    ]);
    await producer.events(topics.documents, [
      event('o1', 'order.confirmed', { orderId: 'O1', amount: '100.00' }),
    ]);
    await eventually(
      async () => (await stored.records([KEY])).get(KEY)?.assessment?.components.orders,
      (orders) => orders === 100_00n,
    );

    // The next commit for the customer fails before it reaches Redis (a connection lost, say).
    const store = engine.get<ExposureStore>(EXPOSURE_STORE);
    const commit = store.commit.bind(store);
    let failed = 0;
    store.commit = async (batch: Commit) => {
      if (failed === 0 && batch.customers.some((write) => write.key === KEY)) {
        failed += 1;
        throw new Error('connection lost');
      }
      return commit(batch);
    };
    await producer.events(topics.documents, [
      event('check', 'document.checkRequested', {
        documentType: 'order',
        documentId: 'O2',
        amount: '300.00',
        requestedBy: 'luca',
      }),
      event('o2', 'order.confirmed', { orderId: 'O2', amount: '700.00' }),
    ]);

    const outcome = await eventually(
      () => recorder.json(topics.blocks).filter((e) => e.causationId === 'check'),
      (list) => list.length >= 1,
    );
    expect(failed).toBe(1);
    // 100.00 of orders before the check, plus 300.00: under the limit.
    expect(outcome.map((e) => e.type)).toEqual(['document.allowed']);
    const record = (await stored.records([KEY])).get(KEY)!;
    expect(record.assessment?.components.orders).toBe(800_00n);
  });
});
