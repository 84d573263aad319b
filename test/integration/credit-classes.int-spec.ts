import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';

/**
 * Spec section 11 on the real stack: the engine folds credit classes, manual
 * blocks and temporary limits from risk.credit-limits; asynchronous checks
 * apply the class's terms and amount; a temporary limit, a dated manual block
 * and a credit review all act on their date with no event arriving.
 */
describe('credit classes, manual blocks, temporary limits and reviews', () => {
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
    occurredAt?: string,
  ): RawEvent => ({
    companyId: COMPANY,
    customerId,
    eventId,
    type,
    data,
    ...(occurredAt ? { occurredAt } : {}),
  });
  const limit = (customerId: string, data: Record<string, unknown>) =>
    event(customerId, `lim-${customerId}`, 'creditLimit.set', { mode: 'block', setBy: 'maria', ...data });
  const creditClass = (customerId: string, data: Record<string, unknown>, occurredAt?: string) =>
    event(
      customerId,
      `class-${customerId}`,
      'creditClass.assigned',
      { code: 'B2', maxPaymentTermsDays: 60, assignedBy: 'maria', ...data },
      occurredAt,
    );
  const check = (customerId: string, documentId: string, data: Record<string, unknown>) =>
    event(customerId, `chk-${documentId}`, 'document.checkRequested', {
      documentType: 'order',
      documentId,
      ...data,
    });
  const outcome = async (documentId: string) => {
    const [found] = await eventually(
      () =>
        recorder
          .json(stack.engine.kafka.topics.blocks)
          .filter((e) => (e.data as { documentId?: string }).documentId === documentId),
      (list) => list.length > 0,
    );
    return found;
  };
  const published = (customerId: string, type: string) =>
    [
      ...recorder.json(stack.engine.kafka.topics.breaches),
      ...recorder.json(stack.engine.kafka.topics.blocks),
    ].filter((e) => e.customerId === customerId && e.type === type);

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

  it("holds an asynchronous check whose terms or amount exceed the customer's class", async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.creditLimits, [
      limit('TERMS', { amount: '100000.00' }),
      creditClass('TERMS', { maxPaymentTermsDays: 60, maxDocumentAmount: '5000.00' }),
    ]);
    await eventually(
      () => exposure('TERMS'),
      (r) => r.body.creditClass?.code === 'B2',
    );
    await producer.events(t.documents, [
      check('TERMS', 'SO-90', { amount: '100.00', paymentTermsDays: 90 }),
      check('TERMS', 'SO-60', { amount: '100.00', paymentTermsDays: 60 }),
      check('TERMS', 'SO-BIG', { amount: '5000.01', paymentTermsDays: 30 }),
    ]);
    const held = await outcome('SO-90');
    expect(held).toMatchObject({
      type: 'document.held',
      data: { reasons: ['PAYMENT_TERMS_EXCEEDED'], holdId: expect.any(String) },
    });
    // The projector stores the hold with its reason, waiting for a decision.
    const hold = await eventually(
      () =>
        request(api.getHttpServer())
          .get(`/v1/companies/${COMPANY}/holds/${(held.data as { holdId: string }).holdId}`)
          .set('Authorization', `Bearer ${token}`),
      (r) => r.status === 200,
    );
    expect(hold.body).toMatchObject({ status: 'pending', reasons: ['PAYMENT_TERMS_EXCEEDED'] });
    expect((await outcome('SO-60')).type).toBe('document.allowed');
    expect(await outcome('SO-BIG')).toMatchObject({
      type: 'document.held',
      data: { reasons: ['DOCUMENT_AMOUNT_EXCEEDED'] },
    });
    expect((await exposure('TERMS')).body).toMatchObject({
      creditClass: { code: 'B2', maxPaymentTermsDays: 60, maxDocumentAmount: '5000.00' },
      manualBlock: null,
      reviewDueOn: null,
    });
  });

  it('lets only an approver with release authority release a payment-terms hold', async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.creditLimits, [
      limit('TERMS-REL', { amount: '100000.00' }),
      creditClass('TERMS-REL', { maxPaymentTermsDays: 60 }),
    ]);
    await eventually(
      () => exposure('TERMS-REL'),
      (r) => r.body.creditClass?.code === 'B2',
    );
    await producer.events(t.documents, [
      check('TERMS-REL', 'SO-REL-90', { amount: '100.00', paymentTermsDays: 90, requestedBy: 'sales-1' }),
    ]);
    const held = await outcome('SO-REL-90');
    expect(held).toMatchObject({ type: 'document.held', data: { reasons: ['PAYMENT_TERMS_EXCEEDED'] } });
    const holdId = (held.data as { holdId: string }).holdId;
    await eventually(
      () =>
        request(api.getHttpServer())
          .get(`/v1/companies/${COMPANY}/holds/${holdId}`)
          .set('Authorization', `Bearer ${token}`),
      (r) => r.status === 200,
    );
    const release = (subject: string) =>
      request(api.getHttpServer())
        .post(`/v1/companies/${COMPANY}/holds/${holdId}/release`)
        .set('Authorization', `Bearer ${tokenFor(stack, ['approver'], [COMPANY], subject)}`)
        .send({ reason: '90 days agreed for this order by the sales director' });

    // An approver without an approval role has no release authority; the requester never has.
    expect((await release('no-role')).status).toBe(403);
    const admin = `Bearer ${tokenFor(stack, ['admin'], [COMPANY], 'terms-admin')}`;
    await request(api.getHttpServer())
      .put(`/v1/companies/${COMPANY}/approval-roles/terms-desk`)
      .set('Authorization', admin)
      .send({ maxExcess: '0.00', mayReleaseOverdue: false })
      .expect((r) => expect([200, 201]).toContain(r.status));
    for (const member of ['rita', 'sales-1'])
      await request(api.getHttpServer())
        .put(`/v1/companies/${COMPANY}/approval-roles/terms-desk/members/${member}`)
        .set('Authorization', admin)
        .expect((r) => expect([200, 201]).toContain(r.status));
    expect((await release('sales-1')).status).toBe(403);
    const released = await release('rita');
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', decidedBy: 'rita' });
    await eventually(
      () =>
        recorder
          .json(t.blocks)
          .filter((e) => e.type === 'document.released' && (e.data as { holdId?: string }).holdId === holdId),
      (list) => list.length === 1,
    );
  });

  it('blocks a manually blocked customer with MANUAL even in warn mode, and holds its documents', async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.creditLimits, [
      limit('MANUAL', { amount: '100000.00', mode: 'warn' }),
      event('MANUAL', 'mb-MANUAL', 'manualBlock.set', { reason: 'insolvency proceedings', setBy: 'maria' }),
    ]);
    const blocked = await eventually(
      () => exposure('MANUAL'),
      (r) => r.body.blocked === true,
    );
    expect(blocked.body).toMatchObject({
      blockReasons: ['MANUAL'],
      manualBlock: { reason: 'insolvency proceedings', until: null },
    });
    await producer.events(t.documents, [check('MANUAL', 'SO-M', { amount: '10.00' })]);
    expect(await outcome('SO-M')).toMatchObject({ type: 'document.held', data: { reasons: ['MANUAL'] } });
  });

  it('ends a temporary limit and a dated manual block on their dates, and publishes a review once', async () => {
    const t = stack.engine.kafka.topics;
    await producer.events(t.creditLimits, [
      limit('TEMP', { amount: '1000.00', temporaryAmount: '5000.00', temporaryUntil: '2026-03-10' }),
      event('UNTIL', 'mb-UNTIL', 'manualBlock.set', {
        reason: 'dispute',
        until: '2026-03-10',
        setBy: 'maria',
      }),
      // 23:30 UTC on March 1 is March 2 in Rome: the review falls 10 days after that.
      creditClass('REVIEW', { reviewEveryDays: 10 }, '2026-03-01T23:30:00Z'),
    ]);
    await producer.events(t.documents, [
      event('TEMP', 'o-TEMP', 'order.confirmed', {
        orderId: 'SO-T',
        amount: '4500.00',
        paymentTermsDays: 30,
      }),
    ]);
    await eventually(
      async () => Promise.all(['TEMP', 'UNTIL', 'REVIEW'].map(async (c) => (await exposure(c)).body)),
      ([temp, until, review]) =>
        temp.status === 'WARNING' && until.blocked === true && review.reviewDueOn === '2026-03-12',
    );
    expect((await exposure('TEMP')).body.limit).toEqual({
      amount: '1000.00',
      mode: 'block',
      attentionThresholdPct: 80,
      validUntil: null,
      temporaryAmount: '5000.00',
      temporaryUntil: '2026-03-10',
      effectiveAmount: '5000.00',
    });
    expect((await exposure('UNTIL')).body.blockReasons).toEqual(['MANUAL']);

    clock.set('2026-03-10T09:00:00Z'); // the last day of both: nothing ends yet
    clock.set('2026-03-11T09:00:00Z');

    const temp = await eventually(
      () => exposure('TEMP'),
      (r) => r.body.status === 'EXCEEDED',
    );
    expect(temp.body).toMatchObject({
      blocked: true,
      blockReasons: ['LIMIT_EXCEEDED'],
      limit: { amount: '1000.00', effectiveAmount: '1000.00' },
    });
    const until = await eventually(
      () => exposure('UNTIL'),
      (r) => r.body.blocked === false,
    );
    expect(until.body.manualBlock).toBeNull();
    const ended = await eventually(
      () => published('UNTIL', 'customer.unblocked'),
      (list) => list.length === 1,
    );
    expect(ended[0]).toMatchObject({ data: { previousReasons: ['MANUAL'] } });
    expect(String(ended[0].causationId)).toMatch(/^review:2026-03-11:/);
    const [statusChange] = await eventually(
      () =>
        published('TEMP', 'exposure.statusChanged').filter((e) =>
          String(e.causationId).startsWith('review:'),
        ),
      (list) => list.length === 1,
    );
    expect(statusChange).toMatchObject({ data: { from: 'WARNING', to: 'EXCEEDED', limit: '1000.00' } });
    expect(published('REVIEW', 'creditReview.due')).toEqual([]);

    clock.set('2026-03-12T09:00:00Z');
    const [due] = await eventually(
      () => published('REVIEW', 'creditReview.due'),
      (list) => list.length >= 1,
    );
    expect(due).toMatchObject({
      data: { dueOn: '2026-03-12', creditClass: 'B2', lastChangedOn: '2026-03-02', reviewEveryDays: 10 },
    });
    // Once: neither a later day nor a later event about the customer announces it again.
    clock.set('2026-03-13T09:00:00Z');
    await producer.events(t.documents, [
      event('REVIEW', 'o-REVIEW', 'order.confirmed', { orderId: 'SO-R', amount: '10.00' }),
    ]);
    await eventually(
      () => exposure('REVIEW'),
      (r) => r.body.components?.orders === '10.00',
    );
    expect(published('REVIEW', 'creditReview.due')).toHaveLength(1);
  });
});
