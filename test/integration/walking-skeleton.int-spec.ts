import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { encodeInputEvent } from '@credit/contracts';
import { partitionOfKey } from '@credit/kafka';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';
const CUSTOMER = 'C000123';

describe('walking skeleton: ERP event on Kafka to exposure through the API', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let viewer: string;

  const exposure = (customerId = CUSTOMER, token = viewer, company = COMPANY) =>
    request(api.getHttpServer())
      .get(`/v1/companies/${company}/customers/${encodeURIComponent(customerId)}/exposure`)
      .set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    stack = await isolatedStack();
    const topics = stack.engine.kafka.topics;
    recorder = new TopicRecorder(
      stack.kafka,
      [topics.breaches, topics.blocks, topics.deadLetter],
      `rec-${stack.id}`,
    );
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, new TestClock(new Date('2026-03-02T09:00:00Z')));
    viewer = tokenFor(stack, ['viewer'], [COMPANY]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('folds a limit and orders into the exposure of spec section 9, once per eventId, dead-lettering bad input', async () => {
    const topics = stack.engine.kafka.topics;
    const base = { companyId: COMPANY, customerId: CUSTOMER };
    await producer.events(topics.creditLimits, [
      {
        ...base,
        eventId: 'lim-1',
        type: 'creditLimit.set',
        data: { amount: '1000.00', mode: 'block', attentionThresholdPct: 80, setBy: 'maria' },
      },
    ]);
    await eventually(
      () => exposure(),
      (r) => r.status === 200 && r.body.limit?.amount === '1000.00',
    );

    await producer.events(topics.documents, [
      { ...base, eventId: 'o-1', type: 'order.confirmed', data: { orderId: 'SO-1', amount: '600.00' } },
      { ...base, eventId: 'o-2', type: 'order.confirmed', data: { orderId: 'SO-2', amount: '250.50' } },
    ]);
    // The same eventId again, with another amount: applied once, so this one changes nothing.
    await producer.events(topics.documents, [
      { ...base, eventId: 'o-2', type: 'order.confirmed', data: { orderId: 'SO-2', amount: '9999.00' } },
    ]);
    await producer.raw(topics.documents, `${COMPANY}:${CUSTOMER}`, '{"eventId": "broken", ');
    const badAmount = JSON.stringify({
      ...base,
      eventId: 'o-bad',
      type: 'order.confirmed',
      schemaVersion: 1,
      occurredAt: '2026-03-01T10:15:00+01:00',
      data: { orderId: 'SO-9', amount: 100 },
    });
    await producer.raw(topics.documents, `${COMPANY}:${CUSTOMER}`, badAmount);
    await producer.events(topics.documents, [
      { ...base, eventId: 'o-3', type: 'order.confirmed', data: { orderId: 'SO-3', amount: '200.00' } },
    ]);

    const final = await eventually(
      () => exposure(),
      (r) => r.body.components?.orders === '1050.50',
    );
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({
      companyId: COMPANY,
      customerId: CUSTOMER,
      components: {
        orders: '1050.50',
        deliveries: '0.00',
        unpostedInvoices: '0.00',
        receivables: '0.00',
        bills: '0.00',
      },
      total: '1050.50',
      overdueAmount: '0.00',
      oldestOverdueDays: 0,
      limit: { amount: '1000.00', mode: 'block', attentionThresholdPct: 80, validUntil: null },
      status: 'EXCEEDED',
      blocked: true,
      riskClass: 'A',
    });
    expect(final.body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);

    // Both bad events are dead-lettered with their original bytes and a reason.
    const deadLetters = await eventually(
      () => recorder.received.get(topics.deadLetter)!,
      (list) => list.length >= 2,
    );
    expect(deadLetters.map((d) => d.value.toString())).toEqual(['{"eventId": "broken", ', badAmount]);
    expect(deadLetters[0].headers['dlq.reason']).toBe('NOT_JSON');
    expect(deadLetters[1].headers['dlq.reason']).toBe('VALIDATION_FAILED');
    expect(deadLetters[1].headers['dlq.field']).toBe('data.amount');
    expect(deadLetters[1].headers['dlq.topic']).toBe(topics.documents);

    // Every status change was published, in order, with a per-customer sequence.
    const changes = await eventually(
      () => recorder.json(topics.breaches).filter((e) => e.type === 'exposure.statusChanged'),
      (list) => list.length >= 3,
    );
    expect(changes.map((e) => [(e.data as { from: string }).from, (e.data as { to: string }).to])).toEqual([
      ['NO_LIMIT', 'OK'],
      ['OK', 'WARNING'],
      ['WARNING', 'EXCEEDED'],
    ]);
    expect(changes[2]).toMatchObject({
      companyId: COMPANY,
      customerId: CUSTOMER,
      causationId: 'o-3',
      data: { total: '1050.50', limit: '1000.00', utilizationPct: '105.05' },
    });
    const sequences = changes.map((e) => e.sequence as number);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    const blocks = await eventually(
      () => recorder.json(topics.blocks),
      (list) => list.length >= 1,
    );
    expect(blocks[0]).toMatchObject({ type: 'customer.blocked', data: { reasons: ['LIMIT_EXCEEDED'] } });
  });

  it('dead-letters an event found in another partition than its key (WRONG_PARTITION): its customer state lives elsewhere', async () => {
    const topics = stack.engine.kafka.topics;
    const key = `${COMPANY}:C-MISROUTED`;
    const home = partitionOfKey(key, stack.engine.kafka.partitions);
    const elsewhere = (home + 1) % stack.engine.kafka.partitions;
    const misrouted = encodeInputEvent({
      eventId: 'o-misrouted',
      type: 'order.confirmed',
      schemaVersion: 1,
      occurredAt: '2026-03-01T10:15:00+01:00',
      companyId: COMPANY,
      customerId: 'C-MISROUTED',
      data: { orderId: 'SO-1', amount: '10.00' },
    });
    const sender = stack.kafka.producer({ allowAutoTopicCreation: false });
    await sender.connect();
    await sender.send({
      topic: topics.documents,
      messages: [{ key, value: misrouted, partition: elsewhere }],
    });
    await sender.disconnect();
    const deadLetter = await eventually(
      () => recorder.received.get(topics.deadLetter)!.find((d) => d.value.equals(misrouted)),
      (found) => found !== undefined,
    );
    expect(deadLetter!.headers['dlq.reason']).toBe('WRONG_PARTITION');
    expect(deadLetter!.headers['dlq.field']).toBe('key');
    expect((await exposure('C-MISROUTED')).status).toBe(404);
  });

  it('answers 401 without a valid token, 403 for another company, 400 for a malformed id, 404 for an unknown customer', async () => {
    const server = api.getHttpServer();
    await request(server).get(`/v1/companies/${COMPANY}/customers/${CUSTOMER}/exposure`).expect(401);
    await exposure(CUSTOMER, 'not-a-jwt').expect(401);
    const foreign = tokenFor(stack, ['viewer'], ['DE01']);
    const forbidden = await exposure(CUSTOMER, foreign).expect(403);
    expect(forbidden.body.message).toMatch(/IT01/);
    const malformed = await exposure('bad id!').expect(400);
    expect(JSON.stringify(malformed.body.message)).toMatch(/customerId/);
    const unknown = await exposure('C-NOBODY').expect(404);
    expect(unknown.body.message).toMatch(/C-NOBODY/);
  });

  it('reports its dependencies on /health without a token', async () => {
    const health = await request(api.getHttpServer()).get('/health').expect(200);
    expect(health.body.checks).toMatchObject({
      kafka: { status: 'up' },
      redis: { status: 'up' },
      postgres: { status: 'up' },
    });
  });
});
