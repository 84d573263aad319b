import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { newCustomerRecord } from '@credit/domain';
import { RedisExposureStore, RedisKeys } from '@credit/redis';

/** The atomic commit against a real Redis, on cases the engine's streams rarely reach. */
describe('RedisExposureStore commit (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = new RedisKeys(`test:store:${randomUUID()}:`);
  const store = new RedisExposureStore(redis, keys);

  afterAll(async () => {
    const found = await redis.keys(`${keys.prefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  it('remembers every eventId of a customer that applied thousands in one batch', async () => {
    // A backlog folds in batches of thousands of events: one customer can bring that many at once.
    const eventIds = Array.from({ length: 2_345 }, (_, i) => `evt-${i}`);
    const record = { ...newCustomerRecord('IT01', 'C1'), version: 1 };
    const result = await store.commit({
      source: { topic: 't', partition: 0, expectedOffset: null, newOffset: '2344' },
      customers: [{ key: 'IT01:C1', expectedVersion: 0, record, appliedEventIds: eventIds, events: [] }],
      outbox: [],
    });
    expect(result.ok).toBe(true);
    const asked = [...eventIds, 'evt-never-applied'];
    const prepared = await store.prepare('t', 0, new Map([['IT01:C1', asked]]));
    expect(prepared.seen.get('IT01:C1')).toEqual(new Set(eventIds));
    expect(prepared.versions.get('IT01:C1')).toBe(1);
    expect(prepared.position.appliedOffset).toBe('2344');
  });
});
