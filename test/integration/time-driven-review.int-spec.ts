import request from 'supertest';
import Redis from 'ioredis';
import { DEFAULT_PARAMETERS } from '@credit/domain';
import { CompanyParametersStore, redisKeysOf } from '@credit/redis';
import { INestApplication } from '@nestjs/common';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';

/**
 * The business date moves on with no event arriving: an item falls overdue, a
 * bill passes dueDate + billRiskDays, a limit expires. Each must change the
 * status and publish its events, caused by the review, not by an input.
 */
describe('time moves on with no event', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let token: string;
  const clock = new TestClock(new Date('2026-03-02T09:00:00Z'));

  const exposure = (customerId: string) =>
    request(api.getHttpServer())
      .get(`/v1/companies/${COMPANY}/customers/${customerId}/exposure`)
      .set('Authorization', `Bearer ${token}`);
  const event = (
    customerId: string,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
  ): RawEvent => ({
    companyId: COMPANY,
    customerId,
    eventId,
    type,
    data,
  });
  const limit = (customerId: string, data: Record<string, unknown>) =>
    event(customerId, `lim-${customerId}`, 'creditLimit.set', { mode: 'block', setBy: 'maria', ...data });

  beforeAll(async () => {
    stack = await isolatedStack();
    const t = stack.engine.kafka.topics;
    recorder = new TopicRecorder(stack.kafka, [t.breaches, t.blocks], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, clock);
    token = tokenFor(stack, ['viewer'], [COMPANY]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('publishes overdue, presumed collection and expiry when the clock passes their dates', async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.creditLimits, [
      limit('OVERDUE', { amount: '1000.00' }),
      limit('BILL', { amount: '1000.00', mode: 'warn' }),
      limit('EXPIRY', { amount: '100.00', validUntil: '2026-03-10' }),
    ]);
    await producer.events(t.journalEntries, [
      event('OVERDUE', 'je-1', 'journal.posted', {
        entryId: 'JE-1',
        postingDate: '2026-03-01',
        lines: [{ lineId: 'L1', side: 'debit', amount: '500.00', openItemId: 'OI-1', dueDate: '2026-03-05' }],
      }),
    ]);
    await producer.events(t.billPortfolio, [
      event('BILL', 'b-1', 'bill.issued', {
        billId: 'RB-1',
        amount: '900.00',
        dueDate: '2026-03-01',
        instrument: 'riba',
      }),
    ]);
    await producer.events(t.documents, [
      event('EXPIRY', 'o-1', 'order.confirmed', { orderId: 'SO-1', amount: '50.00' }),
    ]);

    await eventually(
      async () =>
        Promise.all(['OVERDUE', 'BILL', 'EXPIRY'].map(async (c) => (await exposure(c)).body.status)),
      (statuses) => statuses.join() === 'OK,WARNING,OK',
    );
    const before = (await exposure('OVERDUE')).body;
    expect(before).toMatchObject({
      overdueAmount: '0.00',
      blocked: false,
      components: { receivables: '500.00' },
    });

    clock.set('2026-03-17T09:00:00Z');

    const overdue = await eventually(
      () => exposure('OVERDUE'),
      (r) => r.body.blocked === true,
    );
    expect(overdue.body).toMatchObject({
      overdueAmount: '500.00',
      oldestOverdueDays: 12,
      status: 'OK',
      blocked: true,
    });
    const bill = await eventually(
      () => exposure('BILL'),
      (r) => r.body.status === 'OK',
    );
    expect(bill.body.components.bills).toBe('0.00');
    const expiry = await eventually(
      () => exposure('EXPIRY'),
      (r) => r.body.blocked === true,
    );
    expect(expiry.body).toMatchObject({
      status: 'EXCEEDED',
      limit: { amount: '100.00', validUntil: '2026-03-10' },
    });

    const outputs = await eventually(
      () =>
        [...recorder.json(t.breaches), ...recorder.json(t.blocks)].filter((e) =>
          String(e.causationId).startsWith('review:'),
        ),
      (list) => list.length >= 5,
    );
    const byCustomer = (c: string) => outputs.filter((e) => e.customerId === c).map((e) => e.type);
    expect(byCustomer('OVERDUE')).toEqual(expect.arrayContaining(['overdue.changed', 'customer.blocked']));
    expect(byCustomer('BILL')).toEqual(['exposure.statusChanged']);
    expect(byCustomer('EXPIRY')).toEqual(
      expect.arrayContaining(['exposure.statusChanged', 'customer.blocked']),
    );
    const expired = outputs.find((e) => e.customerId === 'EXPIRY' && e.type === 'customer.blocked')!;
    expect((expired.data as { reasons: string[] }).reasons).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXPIRED']);
    expect(
      outputs.every((e) => e.causationId === 'review:2026-03-17:v' + String(e.causationId).split(':v')[1]),
    ).toBe(true);
  });

  it('re-assesses every customer of a company when its parameters change, with no event', async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.creditLimits, [limit('PARAMS', { amount: '1000.00', mode: 'warn' })]);
    await producer.events(t.documents, [
      event('PARAMS', 'p-o-1', 'order.confirmed', { orderId: 'SO-P', amount: '900.00' }),
    ]);
    await eventually(
      () => exposure('PARAMS'),
      (r) => r.body.status === 'WARNING',
    );

    const redis = new Redis(stack.engine.redis.url);
    try {
      const store = new CompanyParametersStore(redis, redisKeysOf(stack.engine));
      const reviewed = await store.save(COMPANY, {
        ...DEFAULT_PARAMETERS,
        includedComponents: { ...DEFAULT_PARAMETERS.includedComponents, orders: false },
      });
      expect(reviewed).toBeGreaterThanOrEqual(4);
    } finally {
      redis.disconnect();
    }

    const after = await eventually(
      () => exposure('PARAMS'),
      (r) => r.body.status === 'OK',
    );
    expect(after.body).toMatchObject({ total: '0.00', components: { orders: '900.00' } });
    const [change] = await eventually(
      () =>
        recorder
          .json(t.breaches)
          .filter((e) => e.customerId === 'PARAMS' && String(e.causationId).startsWith('review:')),
      (list) => list.length >= 1,
    );
    expect(change).toMatchObject({
      type: 'exposure.statusChanged',
      data: { from: 'WARNING', to: 'OK', total: '0.00' },
    });
  });
});
