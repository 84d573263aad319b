import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { documentHoldId, validateOutputEvent } from '@credit/contracts';
import { DocumentHolds } from '@credit/redis';
import { DATA_SOURCE, DOCUMENT_HOLDS } from '../../apps/risk-api/src/tokens';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';

interface OutputEvent {
  eventId: string;
  type: string;
  customerId: string;
  causationId: string;
  data: Record<string, unknown>;
}

/**
 * Every hold id a credit check names resolves (GET …/holds/{holdId} 200): a
 * check of a document whose hold is pending names that hold, on the
 * asynchronous path (document.checkRequested folded by the engine, projected
 * into Postgres) and on the synchronous one (POST credit-checks), whichever
 * path held the document first; after a decision the next hold is a new one.
 */
describe('hold ids: every check of a held document names its one pending hold', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let fold: INestApplication;
  let projector: INestApplication | undefined;
  let db: DataSource;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let erp: string;
  let viewer: string;
  let approver: string;

  const clock = new TestClock(new Date());
  const event = (
    customerId: string,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
  ): RawEvent => ({ companyId: COMPANY, customerId, eventId: `${customerId}-${eventId}`, type, data });

  const server = () => api.getHttpServer();
  const check = (customerId: string, body: object) =>
    request(server())
      .post(`/v1/companies/${COMPANY}/customers/${customerId}/credit-checks`)
      .set('Authorization', `Bearer ${erp}`)
      .send(body);
  const getHold = (holdId: string) =>
    request(server())
      .get(`/v1/companies/${COMPANY}/holds/${holdId}`)
      .set('Authorization', `Bearer ${viewer}`);
  const release = (holdId: string) =>
    request(server())
      .post(`/v1/companies/${COMPANY}/holds/${holdId}/release`)
      .set('Authorization', `Bearer ${approver}`)
      .send({ reason: 'paid in advance' });
  const holdsOf = (customerId: string, documentId: string): Promise<{ hold_id: string; status: string }[]> =>
    db.query(
      `SELECT hold_id, status, source FROM hold WHERE company_id = $1 AND customer_id = $2 AND document_id = $3
        ORDER BY created_at`,
      [COMPANY, customerId, documentId],
    );

  /** The published outcome of one input event or API request. */
  const outcome = (causationId: string) =>
    eventually(
      () =>
        (recorder.json(stack.engine.kafka.topics.blocks) as unknown as OutputEvent[]).filter(
          (e) => e.causationId === causationId && e.type.startsWith('document.'),
        ),
      (list) => list.length >= 1,
    ).then((list) => list[0]);

  /** A block-mode customer with a limit of 1000.00 and an order of 900.00, folded. */
  async function heldCustomer(customerId: string) {
    const topics = stack.engine.kafka.topics;
    await producer.events(topics.creditLimits, [
      event(customerId, 'limit', 'creditLimit.set', { amount: '1000.00', mode: 'block', setBy: 'maria' }),
    ]);
    await producer.events(topics.documents, [
      event(customerId, 'SO-1', 'order.confirmed', { orderId: 'SO-1', amount: '900.00' }),
    ]);
    await eventually(
      () => check(customerId, { documentType: 'order', documentId: 'SO-PROBE', amount: '0.00' }),
      (r) => r.status === 200 && r.body.exposureBefore === '900.00' && r.body.limit === '1000.00',
    );
  }

  const checkRequested = (customerId: string, eventId: string, documentId: string) =>
    event(customerId, eventId, 'document.checkRequested', {
      documentType: 'order',
      documentId,
      amount: '300.00',
      requestedBy: 'luca',
    });

  /** The published outcome of a document.checkRequested of 300.00, valid by the contract. */
  const asyncOutcome = async (customerId: string, eventId: string, documentId: string) => {
    const input = checkRequested(customerId, eventId, documentId);
    await producer.events(stack.engine.kafka.topics.documents, [input]);
    const published = await outcome(input.eventId);
    expect(validateOutputEvent(published)).toEqual({ ok: true });
    return published;
  };

  const asyncCheck = async (customerId: string, eventId: string, documentId: string) => {
    const held = await asyncOutcome(customerId, eventId, documentId);
    expect(held.type).toBe('document.held');
    return held.data.holdId as string;
  };

  /** The document.held that names a pending hold: the document and the hold, no figures of its own. */
  const namesPendingHold = (documentId: string, holdId: string) => ({
    type: 'document.held',
    data: { documentType: 'order', documentId, amount: '300.00', requestedBy: 'luca', holdId },
  });

  /** Raises the customer's limit to 5000.00, so that a fresh check of 300.00 is ALLOW; waits until folded. */
  async function raiseLimit(customerId: string) {
    await producer.events(stack.engine.kafka.topics.creditLimits, [
      event(customerId, 'limit-raised', 'creditLimit.set', {
        amount: '5000.00',
        mode: 'block',
        setBy: 'maria',
      }),
    ]);
    await eventually(
      () => check(customerId, { documentType: 'order', documentId: 'SO-PROBE', amount: '0.00' }),
      (r) => r.status === 200 && r.body.limit === '5000.00',
    );
  }

  /** GET of the hold, once the projector has stored it. */
  const resolves = (holdId: string) =>
    eventually(
      () => getHold(holdId),
      (r) => r.status === 200,
    );

  beforeAll(async () => {
    stack = await isolatedStack();
    recorder = new TopicRecorder(stack.kafka, [stack.engine.kafka.topics.blocks], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    db = api.get<DataSource>(DATA_SOURCE);
    // Folding only, at first: the first test needs a hold the projector has not stored yet.
    fold = await startEngine(stack, clock, 'fold');
    erp = tokenFor(stack, ['erp-service'], [COMPANY], 'erp-connector');
    viewer = tokenFor(stack, ['viewer'], [COMPANY]);
    approver = tokenFor(stack, ['approver'], [COMPANY], 'maria');
    const admin = tokenFor(stack, ['admin'], [COMPANY], 'admin-anna');
    await request(server())
      .put(`/v1/companies/${COMPANY}/approval-roles/cfo`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ maxExcess: null, mayReleaseOverdue: true })
      .expect(201);
    await request(server())
      .put(`/v1/companies/${COMPANY}/approval-roles/cfo/members/maria`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(201);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await projector?.close();
    await fold?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('sync: a check of a document the engine held, before the hold is projected, names the same hold', async () => {
    await heldCustomer('C-RACE');
    const asyncHoldId = await asyncCheck('C-RACE', 'check-1', 'SO-RACE');
    // Nothing projects yet: the API does not know the engine's hold.
    expect(await holdsOf('C-RACE', 'SO-RACE')).toEqual([]);

    const sync = await check('C-RACE', { documentType: 'order', documentId: 'SO-RACE', amount: '300.00' });
    // The projector now stores the engine's document.held (the tests after this one need it running).
    projector = await startEngine(stack, clock, 'project');
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ decision: 'HOLD', holdId: asyncHoldId });
    const published = await outcome(sync.body.requestId);
    expect(published).toMatchObject({ type: 'document.held', data: { holdId: asyncHoldId } });
    await eventually(
      () =>
        db.query(`SELECT count(*)::int AS n FROM exposure_event WHERE causation_id = $1`, [`C-RACE-check-1`]),
      (rows: { n: number }[]) => rows[0].n >= 1,
    );
    // The same hold, stored once.
    expect((await holdsOf('C-RACE', 'SO-RACE')).map((h) => h.hold_id)).toEqual([asyncHoldId]);
    expect((await getHold(asyncHoldId)).status).toBe(200);
  });

  it('async: a second document.checkRequested of a held document names the pending hold, which resolves', async () => {
    await heldCustomer('C-TWICE');
    const first = await asyncCheck('C-TWICE', 'check-1', 'SO-TWICE');
    await resolves(first);
    const second = await asyncCheck('C-TWICE', 'check-2', 'SO-TWICE');
    expect(second).toBe(first);
    expect((await getHold(second)).status).toBe(200);
    expect((await holdsOf('C-TWICE', 'SO-TWICE')).map((h) => h.hold_id)).toEqual([first]);
  });

  it('async after sync: the engine names the hold the API created', async () => {
    await heldCustomer('C-MIXED');
    const sync = await check('C-MIXED', {
      documentType: 'order',
      documentId: 'SO-MIXED',
      amount: '300.00',
    }).expect(200);
    expect(sync.body).toMatchObject({ decision: 'HOLD', repeated: false });
    const asyncHoldId = await asyncCheck('C-MIXED', 'check-1', 'SO-MIXED');
    expect(asyncHoldId).toBe(sync.body.holdId);
    expect((await getHold(asyncHoldId)).status).toBe(200);
  });

  it('after a decision, the next check of the document holds it anew, and both paths name the new hold', async () => {
    await heldCustomer('C-AGAIN');
    const document = {
      companyId: COMPANY,
      customerId: 'C-AGAIN',
      documentType: 'order',
      documentId: 'SO-AGAIN',
    };
    const first = await asyncCheck('C-AGAIN', 'check-1', 'SO-AGAIN');
    expect(first).toBe(documentHoldId(document, 0));
    await resolves(first);
    await release(first).expect(200);

    const sync = await check('C-AGAIN', { documentType: 'order', documentId: 'SO-AGAIN', amount: '300.00' });
    expect(sync.body).toMatchObject({
      decision: 'HOLD',
      repeated: false,
      holdId: documentHoldId(document, 1),
    });
    const second = await asyncCheck('C-AGAIN', 'check-2', 'SO-AGAIN');
    expect(second).toBe(sync.body.holdId);
    expect(await holdsOf('C-AGAIN', 'SO-AGAIN')).toEqual([
      expect.objectContaining({ hold_id: first, status: 'released' }),
      expect.objectContaining({ hold_id: second, status: 'pending' }),
    ]);
    expect((await getHold(second)).status).toBe(200);
  });

  it('async: a re-check of a document the API held names that hold, even when a fresh decision would allow it', async () => {
    await heldCustomer('C-SYNC-PENDING');
    const sync = await check('C-SYNC-PENDING', {
      documentType: 'order',
      documentId: 'SO-PENDING',
      amount: '300.00',
    }).expect(200);
    expect(sync.body).toMatchObject({ decision: 'HOLD', repeated: false });
    const holdId = sync.body.holdId as string;
    await raiseLimit('C-SYNC-PENDING');

    const recheck = await asyncOutcome('C-SYNC-PENDING', 'check-1', 'SO-PENDING');
    expect(recheck).toMatchObject(namesPendingHold('SO-PENDING', holdId));
    expect(recheck.data).not.toHaveProperty('exposureAfter');
    expect((await getHold(holdId)).status).toBe(200);
    expect((await holdsOf('C-SYNC-PENDING', 'SO-PENDING')).map((h) => h.hold_id)).toEqual([holdId]);

    // Once the hold is decided, the next check decides afresh.
    await release(holdId).expect(200);
    const fresh = await asyncOutcome('C-SYNC-PENDING', 'check-2', 'SO-PENDING');
    expect(fresh).toMatchObject({ type: 'document.allowed', data: { exposureAfter: '1200.00' } });
    expect(await holdsOf('C-SYNC-PENDING', 'SO-PENDING')).toEqual([
      expect.objectContaining({ hold_id: holdId, status: 'released' }),
    ]);
  });

  it('async: a re-check of a document the engine held names that hold, even when a fresh decision would allow it', async () => {
    await heldCustomer('C-ASYNC-PENDING');
    const holdId = await asyncCheck('C-ASYNC-PENDING', 'check-1', 'SO-PENDING');
    await resolves(holdId);
    await raiseLimit('C-ASYNC-PENDING');

    const recheck = await asyncOutcome('C-ASYNC-PENDING', 'check-2', 'SO-PENDING');
    expect(recheck).toMatchObject(namesPendingHold('SO-PENDING', holdId));
    // The synchronous check answers with the same hold.
    const sync = await check('C-ASYNC-PENDING', {
      documentType: 'order',
      documentId: 'SO-PENDING',
      amount: '300.00',
    }).expect(200);
    expect(sync.body).toMatchObject({ decision: 'HOLD', repeated: true, holdId });
    expect((await getHold(holdId)).status).toBe(200);
    expect((await holdsOf('C-ASYNC-PENDING', 'SO-PENDING')).map((h) => h.hold_id)).toEqual([holdId]);

    await release(holdId).expect(200);
    const fresh = await asyncOutcome('C-ASYNC-PENDING', 'check-3', 'SO-PENDING');
    expect(fresh).toMatchObject({ type: 'document.allowed', data: { exposureAfter: '1200.00' } });
    expect((await holdsOf('C-ASYNC-PENDING', 'SO-PENDING')).map((h) => h.status)).toEqual(['released']);
  });

  it('async: a re-check folded right after the check that held the document names that hold', async () => {
    await heldCustomer('C-SAME-BATCH');
    const first = checkRequested('C-SAME-BATCH', 'check-1', 'SO-BATCH');
    const second = checkRequested('C-SAME-BATCH', 'check-2', 'SO-BATCH');
    // Between the two checks the order of 900.00 closes: a fresh decision of the second would allow it.
    await producer.events(stack.engine.kafka.topics.documents, [
      first,
      event('C-SAME-BATCH', 'SO-1-closed', 'order.closed', { orderId: 'SO-1', reason: 'cancelled' }),
      second,
    ]);
    const held = await outcome(first.eventId);
    expect(held.type).toBe('document.held');
    const recheck = await outcome(second.eventId);
    expect(recheck).toMatchObject(namesPendingHold('SO-BATCH', held.data.holdId as string));
    await resolves(held.data.holdId as string);
    expect((await holdsOf('C-SAME-BATCH', 'SO-BATCH')).map((h) => h.hold_id)).toEqual([held.data.holdId]);
  });

  it('keeps the highest step of a document: a late write of an older step lowers nothing', async () => {
    const holds = api.get<DocumentHolds>(DOCUMENT_HOLDS);
    const document = {
      companyId: COMPANY,
      customerId: 'C-GEN',
      documentType: 'invoice',
      documentId: 'INV:1',
    };
    const other = { ...document, documentType: 'order' };
    const none = { generation: 0, pending: false };
    expect(await holds.load([document, other])).toEqual([none, none]);
    await holds.held(document, 1);
    await holds.decided(document, 1);
    expect(await holds.load([document, other])).toEqual([{ generation: 1, pending: true }, none]);
    await holds.decided(document, 2);
    await holds.held(document, 1);
    expect(await holds.load([document, other])).toEqual([{ generation: 2, pending: false }, none]);
  });
});
