import request from 'supertest';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { INestApplication } from '@nestjs/common';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';
import { waitUntilFolded } from '../support/folding';

const COMPANY = 'IT01';

/** Deletes every key of the stack's prefix, as a Redis flush or failover would. */
async function wipeRedis(stack: IsolatedStack): Promise<number> {
  const redis = new Redis(stack.engine.redis.url);
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.engine.redis.keyPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  return deleted;
}

/**
 * Collection cases on the real stack (spec 12), with the clock moved and no
 * input event: levels are reached on their dates, a payment closes a case, a
 * promise breaks once, the legal stage blocks until the case closes, and a
 * replay of the input topics publishes nothing new on risk.collections.
 */
describe('collection cases', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let db: DataSource;
  let token: string;
  const clock = new TestClock(new Date('2026-03-02T09:00:00Z'));
  const sent: [string, RawEvent[]][] = [];

  const send = async (topic: string, events: RawEvent[]) => {
    sent.push([topic, events]);
    await producer.events(topic, events);
  };
  const event = (
    customerId: string,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
    occurredAt?: string,
  ): RawEvent => ({
    companyId: COMPANY,
    customerId,
    eventId,
    type,
    data,
    ...(occurredAt ? { occurredAt } : {}),
  });
  const invoice = (customerId: string, amount: string) =>
    event(customerId, `je-${customerId}`, 'journal.posted', {
      entryId: `JE-${customerId}`,
      postingDate: '2026-02-01',
      lines: [{ lineId: 'L1', side: 'debit', amount, openItemId: `OI-${customerId}`, dueDate: '2026-03-01' }],
    });
  const payment = (customerId: string, amount: string, postingDate: string) =>
    event(customerId, `pay-${customerId}-${postingDate}`, 'journal.posted', {
      entryId: `PAY-${customerId}-${postingDate}`,
      postingDate,
      lines: [
        { lineId: 'L1', side: 'credit', amount, settles: [{ openItemId: `OI-${customerId}`, amount }] },
      ],
    });
  const collectionAction = (
    customerId: string,
    actionId: string,
    at: string,
    data: Record<string, unknown>,
  ) =>
    event(
      customerId,
      `act-${actionId}`,
      'collectionAction.recorded',
      { actionId, recordedBy: 'anna', ...data },
      at,
    );

  const collections = () => recorder.json(stack.engine.kafka.topics.collections);
  const published = (customerId: string, type: string) =>
    collections().filter((e) => e.customerId === customerId && e.type === type);
  const exposure = (customerId: string) =>
    request(api.getHttpServer())
      .get(`/v1/companies/${COMPANY}/customers/${customerId}/exposure`)
      .set('Authorization', `Bearer ${token}`);
  const projected = async (customerId: string) =>
    (
      await db.query(
        `SELECT collection_case_id, collection_stage, dunning_level, dunning_action,
                to_char(dunning_level_reached_on, 'YYYY-MM-DD') AS level_reached_on,
                collection_overdue_amount::text AS overdue, collection_assignee,
                promise_id, promise_amount::text AS promise_amount, promise_status,
                to_char(promise_broken_on, 'YYYY-MM-DD') AS promise_broken_on
           FROM customer_exposure WHERE company_id = $1 AND customer_id = $2`,
        [COMPANY, customerId],
      )
    )[0] as Record<string, unknown> | undefined;

  const businessDateOf = async (customerId: string) =>
    (
      await db.query(
        `SELECT to_char(business_date, 'YYYY-MM-DD') AS d FROM customer_exposure
          WHERE company_id = $1 AND customer_id = $2`,
        [COMPANY, customerId],
      )
    )[0]?.d as string | undefined;

  beforeAll(async () => {
    stack = await isolatedStack();
    const t = stack.engine.kafka.topics;
    recorder = new TopicRecorder(stack.kafka, [t.collections, t.blocks], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, clock);
    token = tokenFor(stack, ['viewer'], [COMPANY]);
    db = new DataSource({ type: 'postgres', url: stack.engine.postgres.url });
    await db.initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('reaches levels on their dates, closes by payment, breaks a promise once, blocks in legal, and replays to nothing new', async () => {
    const t = stack.engine.kafka.topics;
    await send(t.journalEntries, [
      invoice('LEVELS', '500.00'),
      invoice('PAID', '300.00'),
      invoice('PROMISE', '400.00'),
      invoice('LEGAL', '600.00'),
    ]);
    await waitUntilFolded(stack);
    await eventually(
      () => projected('LEGAL'),
      (row) => row !== undefined,
    );
    expect(collections()).toEqual([]);

    // Day 7 after the due date: level 1 for every customer, by the clock alone.
    clock.set('2026-03-08T09:00:00Z');
    const firsts = await eventually(
      () => collections().filter((e) => e.type === 'dunning.levelReached'),
      (list) => list.length === 4,
    );
    expect(firsts.every((e) => String(e.causationId).startsWith('review:2026-03-08'))).toBe(true);
    expect(published('LEVELS', 'dunning.levelReached')[0]).toMatchObject({
      data: {
        caseId: 'case-2026-03-08',
        level: 1,
        action: 'reminder',
        items: [{ openItemId: 'OI-LEVELS', dueDate: '2026-03-01', residual: '500.00', daysOverdue: 7 }],
        overdueAmount: '500.00',
      },
    });
    expect(
      await eventually(
        () => projected('LEVELS'),
        (row) => row?.dunning_level === 1,
      ),
    ).toMatchObject({
      collection_case_id: 'case-2026-03-08',
      collection_stage: 'dunning',
      dunning_action: 'reminder',
      level_reached_on: '2026-03-08',
      overdue: '500.00',
    });

    // A payment closes one case, a promise and a legal stage are recorded on the others.
    await send(t.journalEntries, [payment('PAID', '300.00', '2026-03-08')]);
    await send(t.creditLimits, [
      collectionAction('PROMISE', 'P-1', '2026-03-08T10:00:00Z', {
        actionType: 'promise',
        text: 'pays 200.00 by the 12th',
        promise: { amount: '200.00', date: '2026-03-12' },
        assignee: 'anna',
      }),
      collectionAction('LEGAL', 'S-1', '2026-03-08T10:00:00Z', {
        actionType: 'stage',
        text: 'handed to the lawyer',
        stage: 'legal',
      }),
    ]);
    const [closed] = await eventually(
      () => published('PAID', 'collection.closed'),
      (list) => list.length === 1,
    );
    expect(closed.data).toEqual({ caseId: 'case-2026-03-08', reason: 'paid' });
    const [stage] = await eventually(
      () => published('LEGAL', 'collection.stageChanged'),
      (list) => list.length === 1,
    );
    expect(stage.data).toEqual({
      caseId: 'case-2026-03-08',
      from: 'dunning',
      to: 'legal',
      changedBy: 'anna',
      reason: 'handed to the lawyer',
    });
    const legal = await eventually(
      () => exposure('LEGAL'),
      (r) => r.body.blocked === true,
    );
    expect(legal.body.blockReasons).toEqual(['LEGAL']);
    // The block holds the customer's documents too, even with no credit limit.
    await send(t.documents, [
      event('LEGAL', 'chk-LEGAL', 'document.checkRequested', {
        documentType: 'order',
        documentId: 'SO-LEGAL',
        amount: '10.00',
      }),
    ]);
    const [held] = await eventually(
      () => recorder.json(t.blocks).filter((e) => e.customerId === 'LEGAL' && e.type === 'document.held'),
      (list) => list.length === 1,
    );
    expect((held.data as { reasons: string[] }).reasons).toEqual(['LEGAL']);
    await eventually(
      async () =>
        (await db.query(`SELECT reasons FROM hold WHERE customer_id = 'LEGAL'`)) as { reasons: string[] }[],
      (rows) => rows.length === 1 && rows[0].reasons.join() === 'LEGAL',
    );
    expect(
      await eventually(
        () => projected('PROMISE'),
        (row) => row?.promise_id === 'P-1',
      ),
    ).toMatchObject({
      promise_amount: '200.00',
      promise_status: 'pending',
      collection_assignee: 'anna',
    });
    expect(
      await eventually(
        () => projected('PAID'),
        (row) => row?.collection_case_id === null,
      ),
    ).toMatchObject({
      dunning_level: null,
    });

    // The promise's date passes unpaid: broken the day after, once.
    clock.set('2026-03-12T09:00:00Z');
    await eventually(
      () => businessDateOf('PROMISE'),
      (date) => date === '2026-03-12',
    );
    expect(published('PROMISE', 'promise.broken')).toEqual([]);
    clock.set('2026-03-13T09:00:00Z');
    const [broken] = await eventually(
      () => published('PROMISE', 'promise.broken'),
      (list) => list.length === 1,
    );
    expect(broken.data).toEqual({
      caseId: 'case-2026-03-08',
      promiseId: 'P-1',
      amount: '200.00',
      date: '2026-03-12',
      paidSince: '0.00',
    });
    expect(
      await eventually(
        () => projected('PROMISE'),
        (row) => row?.promise_status === 'broken',
      ),
    ).toMatchObject({
      promise_broken_on: '2026-03-13',
    });

    // Day 21: level 2 for the three open cases, still one broken promise.
    clock.set('2026-03-22T09:00:00Z');
    const seconds = await eventually(
      () =>
        collections().filter(
          (e) => e.type === 'dunning.levelReached' && (e.data as { level: number }).level === 2,
        ),
      (list) => list.length === 3,
    );
    expect(seconds.map((e) => e.customerId).sort()).toEqual(['LEGAL', 'LEVELS', 'PROMISE']);
    expect(published('PROMISE', 'promise.broken')).toHaveLength(1);

    // A payment closes the legal case, which unblocks the customer.
    await send(t.journalEntries, [payment('LEGAL', '600.00', '2026-03-22')]);
    await eventually(
      () => published('LEGAL', 'collection.closed'),
      (list) => list.length === 1,
    );
    const unblocked = await eventually(
      () => exposure('LEGAL'),
      (r) => r.body.blocked === false,
    );
    expect(unblocked.body.blockReasons).toEqual([]);
    const unblock = recorder
      .json(t.blocks)
      .filter((e) => e.customerId === 'LEGAL' && e.type === 'customer.unblocked');
    expect(unblock.map((e) => e.data)).toEqual([{ previousReasons: ['LEGAL'] }]);
    await waitUntilFolded(stack);

    // Replays: every input again (duplicates), then the whole state rebuilt from the topics.
    const before = new Set(collections().map((e) => String(e.eventId)));
    expect(before.size).toBe(collections().length);
    for (const [topic, events] of sent) await producer.events(topic, events);
    await waitUntilFolded(stack);
    expect(await wipeRedis(stack)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500));
    await waitUntilFolded(stack);
    // A marker: once the engine folds it, everything replayed before it on the topic was folded too.
    await send(t.journalEntries, [invoice('MARKER', '1.00')]);
    await waitUntilFolded(stack);
    await eventually(
      () => projected('MARKER'),
      (row) => row !== undefined,
    );
    const after = collections().map((e) => String(e.eventId));
    expect(after.filter((id) => !before.has(id))).toEqual([]);
    expect(await projected('PROMISE')).toMatchObject({
      collection_case_id: 'case-2026-03-08',
      dunning_level: 2,
      promise_status: 'broken',
    });
  });
});
