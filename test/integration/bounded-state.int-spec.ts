import Redis from 'ioredis';
import { INestApplication } from '@nestjs/common';
import { CustomerRecord } from '@credit/domain';
import { RedisExposureStore, redisKeysOf } from '@credit/redis';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startEngine, TestClock } from '../support/running-apps';

const COMPANY = 'IT01';
const CUSTOMER = 'C-LONG';
const KEY = `${COMPANY}:${CUSTOMER}`;

/** Spec 4.1 through the engine: a settled cycle is archived; a late change to it is dead-lettered, its re-send ignored. */
describe('bounded state (spec 4.1)', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let redis: Redis;
  let store: RedisExposureStore;

  beforeAll(async () => {
    stack = await isolatedStack();
    const topics = stack.engine.kafka.topics;
    recorder = new TopicRecorder(stack.kafka, [topics.deadLetter], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    engine = await startEngine(stack, new TestClock(new Date('2026-06-01T09:00:00Z')));
    redis = new Redis(stack.engine.redis.url);
    store = new RedisExposureStore(redis, redisKeysOf(stack.engine));
  });

  afterAll(async () => {
    redis?.disconnect();
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await stack?.cleanup();
  });

  const event = (eventId: string, day: string, type: string, data: Record<string, unknown>): RawEvent => ({
    eventId,
    type,
    companyId: COMPANY,
    customerId: CUSTOMER,
    occurredAt: `${day}T10:00:00Z`,
    data,
  });
  const record = async (): Promise<CustomerRecord | undefined> => (await store.records([KEY])).get(KEY);

  it('archives a settled cycle after the quiet period, refuses a late reversal of it and ignores a re-send', async () => {
    const topics = stack.engine.kafka.topics;
    const payment = event('pay-1', '2026-02-20', 'journal.posted', {
      entryId: 'PAY-1',
      postingDate: '2026-02-20',
      lines: [
        { lineId: '1', side: 'credit', amount: '100.00', settles: [{ openItemId: 'P-1', amount: '100.00' }] },
      ],
    });
    await producer.events(topics.documents, [
      event('ord-1', '2026-01-05', 'order.confirmed', { orderId: 'O-1', amount: '100.00' }),
      event('inv-1', '2026-01-06', 'invoice.issued', {
        invoiceId: 'I-1',
        kind: 'invoice',
        amount: '100.00',
        orderRefs: [{ orderId: 'O-1', amount: '100.00' }],
      }),
    ]);
    await producer.events(topics.journalEntries, [
      event('post-1', '2026-01-07', 'journal.posted', {
        entryId: 'J-1',
        postingDate: '2026-01-07',
        lines: [
          {
            lineId: '1',
            side: 'debit',
            amount: '100.00',
            invoiceRef: 'I-1',
            openItemId: 'P-1',
            dueDate: '2026-02-06',
          },
        ],
      }),
      payment,
    ]);
    // Both streams move on past the quiet period (35 days) with a new order.
    await producer.events(topics.documents, [
      event('ord-2', '2026-04-01', 'order.confirmed', { orderId: 'O-2', amount: '50.00' }),
    ]);
    await producer.events(topics.journalEntries, [
      event('man-1', '2026-04-01', 'journal.posted', {
        entryId: 'J-2',
        postingDate: '2026-04-01',
        lines: [{ lineId: '1', side: 'debit', amount: '10.00' }],
      }),
    ]);
    const archived = await eventually(
      async () => (await record())!,
      (r) => r?.documents.archive?.tombstones.has('j:PAY-1') === true && r.documents.journal.has('J-2'),
    );
    expect([...archived.documents.orders.keys()]).toEqual(['O-2']);
    expect([...archived.documents.journal.keys()]).toEqual(['J-2']);
    expect(archived.assessment!.components).toMatchObject({ orders: 5000n, receivables: 1000n });

    // A re-send of the payment (same occurredAt, new eventId) changes nothing; a reversal of it is refused.
    await producer.events(topics.journalEntries, [
      { ...payment, eventId: 'pay-1-resent' },
      event('rev-1', '2026-04-02', 'journal.reversed', { entryId: 'PAY-1' }),
      event('man-2', '2026-04-02', 'journal.posted', {
        entryId: 'J-3',
        postingDate: '2026-04-02',
        lines: [{ lineId: '1', side: 'debit', amount: '1.00' }],
      }),
    ]);
    const after = await eventually(
      async () => (await record())!,
      (r) => r?.documents.journal.has('J-3') === true,
    );
    expect(after.assessment!.components).toMatchObject({ orders: 5000n, receivables: 1100n });
    const deadLetters = await eventually(
      () => recorder.received.get(topics.deadLetter)!,
      (d) => d.length >= 1,
    );
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].headers['dlq.reason']).toBe('DOCUMENT_ARCHIVED');
    expect(JSON.parse(deadLetters[0].value.toString()).eventId).toBe('rev-1');
  });
});
