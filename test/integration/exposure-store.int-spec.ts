import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  applyFact,
  CustomerDraft,
  DEFAULT_PARAMETERS,
  decodeState,
  encodeState,
  epochDay,
  Fact,
  newCustomerRecord,
} from '@credit/domain';
import {
  CompanyParametersStore,
  decodeArchive,
  LiveRecords,
  PAGE_DOCUMENTS,
  recordHeader,
  RedisExposureStore,
  RedisKeys,
} from '@credit/redis';

/** The atomic commit against a real Redis, on cases the engine's streams rarely reach. */
describe('RedisExposureStore commit (real Redis)', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  // One input partition: every customer's keys share its slot, as the keys of one partition's batch do.
  const keys = new RedisKeys(`test:store:${randomUUID()}:`, 1);
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
      partition: 0,
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

  it('commits one batch that touches tens of thousands of customers', async () => {
    // A partition's backlog over many customers: each brings a dozen arguments to the one atomic script,
    // more than a JavaScript call may spread (the engine's consumer crashed on that at 10,000 customers).
    const customers = Array.from({ length: 12_000 }, (_, i) => ({
      key: `IT01:W${i}`,
      expectedVersion: 0,
      record: { ...newCustomerRecord('IT01', `W${i}`), version: 1 },
      appliedEventIds: [`wide-${i}`],
      events: [],
      assessedWith: '',
    }));
    const result = await store.commit({
      partition: 0,
      source: { topic: 'wide', partition: 0, expectedOffset: null, newOffset: '11999' },
      customers,
      outbox: [],
    });
    expect(result.ok).toBe(true);
    const prepared = await store.prepare('wide', 0, new Map([['IT01:W11999', ['wide-11999']]]));
    expect(prepared.versions.get('IT01:W11999')).toBe(1);
    expect(prepared.position.appliedOffset).toBe('11999');
  });

  it("writes each output message once, and every customer's history entry from its own messages", async () => {
    // Each event travels once: the history names it among the outbox messages by position.
    const message = (key: string, n: number) => ({
      topic: 'risk.exposure',
      key,
      value: JSON.stringify({ eventId: `${key}-${n}`, type: 'exposure.statusChanged' }),
      headers: { 'content-type': 'application/json' },
    });
    const a1 = message('IT01:H1', 1);
    const b1 = message('IT01:H2', 1);
    const a2 = message('IT01:H1', 2);
    // A dead letter carries the original bytes and belongs to no customer's history.
    const deadLetter = { topic: 'erp.deadletter', key: null, value: Buffer.from('{"not json'), headers: {} };
    const write = (n: number, events: (typeof a1)[]) => ({
      key: `IT01:H${n}`,
      expectedVersion: 0,
      record: { ...newCustomerRecord('IT01', `H${n}`), version: 1 },
      appliedEventIds: [`history-${n}`],
      events,
      assessedWith: '',
    });
    const historyBefore = await store.pendingHistory(0, 10_000);
    const result = await store.commit({
      partition: 0,
      customers: [write(1, [a1, a2]), write(2, [b1])],
      outbox: [a1, deadLetter, b1, a2],
    });
    expect(result.ok).toBe(true);
    const history = (await store.pendingHistory(0, 10_000)).slice(historyBefore.length);
    expect(history.map((entry) => entry.value)).toEqual([
      [JSON.parse(a1.value), JSON.parse(a2.value)],
      [JSON.parse(b1.value)],
    ]);
    const outbox = (await store.pendingOutbox(0, 10_000)).map((entry) => entry.value);
    expect(outbox.slice(-4).map((m) => m.value.toString())).toEqual([
      a1.value,
      '{"not json',
      b1.value,
      a2.value,
    ]);
  });

  it('refuses a customer event that is not among the outbox messages', async () => {
    const lone = { topic: 'risk.exposure', key: 'IT01:H3', value: '{"eventId":"lone"}' };
    await expect(
      store.commit({
        partition: 0,
        customers: [
          {
            key: 'IT01:H3',
            expectedVersion: 0,
            record: { ...newCustomerRecord('IT01', 'H3'), version: 1 },
            appliedEventIds: [],
            events: [lone],
            assessedWith: '',
          },
        ],
        outbox: [],
      }),
    ).rejects.toThrow("an event of IT01:H3 is not in the commit's outbox");
  });

  it('forgets applied eventIds older than the window in the same commit', async () => {
    const key = 'IT01:C3';
    const day = (n: number) => Date.UTC(2026, 0, 1) + n * 86_400_000;
    const commit = (
      expectedVersion: number,
      ids: string[],
      at: number[],
      forgetAppliedBefore: number | null,
    ) =>
      store.commit({
        partition: 0,
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
    const prepared = await store.prepare('erp.documents', 0, new Map([[key, ['old', 'mid', 'new']]]));
    expect(prepared.seen.get(key)).toEqual(new Set(['mid', 'new']));
    // Another topic has its own memory.
    const other = await store.prepare('erp.journal-entries', 0, new Map([[key, ['mid']]]));
    expect(other.seen.get(key)).toEqual(new Set());

    // A batch spanning more than the window (a replay) keeps only the window's eventIds, and the set
    // stays small enough for Redis's compact encoding (past 128 members it would turn into a skiplist).
    await redis.del(keys.applied('erp.documents', 0));
    const replayed = Array.from({ length: 400 }, (_, i) => `replayed-${i}`);
    const at = replayed.map((_, i) => day(60 + i * 0.5));
    expect(await commit(2, replayed, at, day(60 + 399 * 0.5 - 35))).toEqual({ ok: true });
    const memory = keys.appliedIds('erp.documents', key);
    expect(await redis.zcard(memory)).toBe(71);
    expect(await redis.call('OBJECT', 'ENCODING', memory)).toBe('listpack');
  });

  it('writes the pages of the documents a batch changed and deletes the pages it emptied', async () => {
    const key = 'IT01:C4';
    const fact = (data: object, day: number, n: number): Fact =>
      ({
        ...data,
        eventId: `e${n}`,
        occurredAt: new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString(),
        companyId: 'IT01',
        customerId: 'C4',
      }) as Fact;
    const loaded = { ...newCustomerRecord('IT01', 'C4'), version: 0 };

    const commit = async (expectedVersion: number, draft: CustomerDraft, whole: boolean) => {
      const documents = draft.finish();
      const record = { ...loaded, version: expectedVersion + 1, documents };
      const result = await store.commit({
        partition: 0,
        customers: [
          {
            key,
            expectedVersion,
            record,
            appliedEventIds: [],
            events: [],
            assessedWith: '',
            documentChanges: whole ? 'all' : draft.changes,
          },
        ],
        outbox: [],
      });
      expect(result).toEqual({ ok: true });
      return record;
    };
    // The first write of a customer carries every document: a page of orders, a page of deliveries.
    const first = CustomerDraft.open(loaded.documents);
    let n = 0;
    for (let i = 1; i <= PAGE_DOCUMENTS; i++)
      first.apply(fact({ type: 'order.confirmed', orderId: `O${i}`, amount: 100n }, 0, n++));
    for (let i = 1; i <= PAGE_DOCUMENTS; i++)
      first.apply(fact({ type: 'delivery.issued', deliveryId: `D${i}`, amount: 5n, orderRefs: [] }, 1, n++));
    const written = await commit(0, first, true);
    expect((await redis.hkeys(keys.customer(key))).sort()).toEqual(['a', 'p:0', 'p:1', 's', 'v']);
    expect((await store.records([key])).get(key)).toEqual(written);

    // The orders close and are archived (quiet, final); an entry and an order arrive.
    const second = CustomerDraft.open(written.documents, 10);
    for (let i = 1; i <= PAGE_DOCUMENTS; i++)
      second.apply(fact({ type: 'order.closed', orderId: `O${i}`, reason: 'completed' }, 2, n++));
    second.apply(
      fact({ type: 'journal.posted', entryId: 'J1', postingDate: '2026-02-01', lines: [] }, 40, n++),
    );
    second.apply(fact({ type: 'order.confirmed', orderId: 'O9', amount: 7n }, 40, n++));
    expect(second.archiveQuiet()).toHaveLength(PAGE_DOCUMENTS);
    expect([...second.changes.changed].sort()).toEqual(['j:J1', 'o:O9']);
    const deliveries = await redis.hget(keys.customer(key), 'p:1');
    await redis.hset(keys.customer(key), 'p:1', 'untouched by the next write');
    const after = await commit(1, second, false);
    expect((await redis.hkeys(keys.customer(key))).sort()).toEqual(['a', 'p:1', 'p:2', 's', 'v']);
    expect(await redis.hget(keys.customer(key), 'p:1')).toBe('untouched by the next write');
    await redis.hset(keys.customer(key), 'p:1', deliveries!);
    expect((await store.records([key])).get(key)).toEqual(after);
    expect(await new LiveRecords(store, 10).get(key)).toEqual(after);
    // The archive is its own field, outside the header, written when archiving changed it.
    const stored = await redis.hmget(keys.customer(key), 's', 'a');
    expect(decodeState<{ documents: object }>(stored[0]!).documents).not.toHaveProperty('archive');
    expect(decodeArchive(JSON.parse(stored[1]!))).toEqual(after.documents.archive);

    // A batch that archives nothing leaves the archive's field as it is.
    const third = CustomerDraft.open(after.documents, 10);
    third.apply(fact({ type: 'order.confirmed', orderId: 'O10', amount: 9n }, 41, n++));
    expect(third.archiveQuiet()).toEqual([]);
    await redis.hset(keys.customer(key), 'a', 'untouched by the next write');
    await commit(2, third, false);
    expect(await redis.hget(keys.customer(key), 'a')).toBe('untouched by the next write');
  });

  it('writes a whole record when it holds no layout of the stored version, and reads states of the earlier layout', async () => {
    const key = 'IT01:C5';
    const order = { amount: 100n, closed: null, at: 1 };
    const earlier = { ...newCustomerRecord('IT01', 'C5'), version: 3 };
    await redis.hset(keys.customer(key), 'v', '3', 's', recordHeader(earlier), 'd:o:O1', encodeState(order));
    const read = (await store.records([key])).get(key)!;
    expect(read.documents.orders.get('O1')).toEqual(order);
    // Another instance's store: it never read version 3, so it cannot know where the documents lie.
    const other = new RedisExposureStore(redis, keys);
    const documents = { ...read.documents, orders: new Map([...read.documents.orders, ['O2', order]]) };
    const result = await other.commit({
      partition: 0,
      customers: [
        {
          key,
          expectedVersion: 3,
          record: { ...read, version: 4, documents },
          appliedEventIds: [],
          events: [],
          assessedWith: '',
          documentChanges: { changed: new Set(['o:O2']), removed: new Set(), archive: false },
        },
      ],
      outbox: [],
    });
    expect(result).toEqual({ ok: true });
    expect((await redis.hkeys(keys.customer(key))).sort()).toEqual(['p:0', 's', 'v']);
    expect((await store.records([key])).get(key)?.documents.orders).toEqual(documents.orders);
  });

  it('gives readers the stored record, decoding the state only when its version changed', async () => {
    const key = 'IT01:C2';
    const write = async (expectedVersion: number, record: ReturnType<typeof newCustomerRecord>) =>
      expect(
        await store.commit({
          partition: 0,
          customers: [
            {
              key,
              expectedVersion,
              record,
              appliedEventIds: [],
              events: [],
              assessedWith: '',
              documentChanges: 'all',
            },
          ],
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
        partition: 0,
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
      (await store.dueForReview(0, epochDay('2026-12-31'), 100)).find((d) => d.key === key)?.epochDay;
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
