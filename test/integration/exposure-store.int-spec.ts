import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { applyFact, DEFAULT_PARAMETERS, epochDay, Fact, newCustomerRecord } from '@credit/domain';
import { CompanyParametersStore, LiveRecords, RedisExposureStore, RedisKeys } from '@credit/redis';

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
      customers: [
        {
          key: 'IT01:C1',
          expectedVersion: 0,
          record,
          appliedEventIds: eventIds,
          events: [],
          assessedWith: '',
        },
      ],
      outbox: [],
    });
    expect(result.ok).toBe(true);
    const asked = [...eventIds, 'evt-never-applied'];
    const prepared = await store.prepare('t', 0, new Map([['IT01:C1', asked]]));
    expect(prepared.seen.get('IT01:C1')).toEqual(new Set(eventIds));
    expect(prepared.versions.get('IT01:C1')).toBe(1);
    expect(prepared.position.appliedOffset).toBe('2344');
  });

  it('forgets applied eventIds older than the window in the same commit, and still reads the earlier layout', async () => {
    const key = 'IT01:C3';
    const day = (n: number) => Date.UTC(2026, 0, 1) + n * 86_400_000;
    // An eventId applied under the earlier layout (a hash per customer, no occurredAt).
    await redis.hset(keys.seen(key), 'legacy-1', '1');
    const commit = (
      expectedVersion: number,
      ids: string[],
      at: number[],
      forgetAppliedBefore: number | null,
    ) =>
      store.commit({
        source: { topic: 'erp.documents', partition: 0, expectedOffset: null, newOffset: '1' },
        customers: [
          {
            key,
            expectedVersion,
            record: { ...newCustomerRecord('IT01', 'C3'), version: expectedVersion + 1 },
            appliedEventIds: ids,
            appliedAt: at,
            forgetAppliedBefore,
            events: [],
            assessedWith: '',
          },
        ],
        outbox: [],
      });
    expect(await commit(0, ['old', 'mid'], [day(0), day(30)], null)).toEqual({ ok: true });
    await redis.del(keys.applied('erp.documents', 0));
    expect(await commit(1, ['new'], [day(50)], day(50 - 35))).toEqual({ ok: true });
    const prepared = await store.prepare(
      'erp.documents',
      0,
      new Map([[key, ['old', 'mid', 'new', 'legacy-1']]]),
    );
    expect(prepared.seen.get(key)).toEqual(new Set(['mid', 'new', 'legacy-1']));
    // Another topic has its own memory.
    const other = await store.prepare('erp.journal-entries', 0, new Map([[key, ['mid']]]));
    expect(other.seen.get(key)).toEqual(new Set());
  });

  it('gives readers the stored record, decoding the state only when its version changed', async () => {
    const key = 'IT01:C2';
    const write = async (expectedVersion: number, record: ReturnType<typeof newCustomerRecord>) =>
      expect(
        await store.commit({
          customers: [{ key, expectedVersion, record, appliedEventIds: [], events: [], assessedWith: '' }],
          outbox: [],
        }),
      ).toEqual({ ok: true });
    const live = new LiveRecords(store, 10);
    expect(await live.get(key)).toBeNull();

    const first = { ...newCustomerRecord('IT01', 'C2'), version: 1 };
    await write(0, first);
    const read = await live.get(key);
    expect(read).toEqual(first);
    // Unchanged: the very object decoded before, not a new decoding.
    expect(await live.get(key)).toBe(read);
    expect(await store.recordUnlessHeld(key, read!)).toBe(read);

    const second = {
      ...first,
      version: 2,
      documents: applyFact(first.documents, {
        type: 'order.confirmed',
        eventId: 'e1',
        companyId: 'IT01',
        customerId: 'C2',
        orderId: 'SO-1',
        amount: 12345n,
        occurredAt: '2026-12-01T10:00:00Z',
      } satisfies Fact),
    };
    await write(1, second);
    const changed = await live.get(key);
    expect(changed).not.toBe(read);
    expect(changed).toEqual(second);
    expect(changed!.documents.orders.get('SO-1')?.amount).toBe(12345n);
  });

  it('keeps the review a parameter change forced until a record is assessed with the new parameters', async () => {
    const key = 'IT02:C1';
    const parameters = new CompanyParametersStore(redis, keys);
    const old = { ...DEFAULT_PARAMETERS, billRiskDays: 5 };
    await parameters.save('IT02', old);
    const oldStored = (await parameters.stored(['IT02'])).get('IT02')!;
    const write = async (version: number, assessedWith: string) =>
      store.commit({
        customers: [
          {
            key,
            expectedVersion: version - 1,
            record: { ...newCustomerRecord('IT02', 'C1'), version, reviewOn: '2026-06-20' },
            appliedEventIds: [],
            events: [],
            assessedWith,
          },
        ],
        outbox: [],
      });
    const dueDay = async () =>
      (await store.dueForReview(epochDay('2026-12-31'), 100)).find((d) => d.key === key)?.epochDay;
    expect(await write(1, oldStored)).toEqual({ ok: true });
    expect(await dueDay()).toBe(epochDay('2026-06-20'));

    // The change puts the customer up for review at once (day 0) ...
    await parameters.save('IT02', { ...old, billRiskDays: 12 });
    expect(await dueDay()).toBe(0);
    // ... and a fold that assessed it with the parameters read before the change does not take that back,
    expect(await write(2, oldStored)).toEqual({ ok: true });
    expect(await dueDay()).toBe(0);
    // while one assessed with the stored parameters plans the next review as usual.
    const newStored = (await parameters.stored(['IT02'])).get('IT02')!;
    expect(await write(3, newStored)).toEqual({ ok: true });
    expect(await dueDay()).toBe(epochDay('2026-06-20'));
  });
});
