import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { documentHoldId, validateOutputEvent } from '@credit/contracts';
import { HoldGenerations } from '@credit/redis';
import { DATA_SOURCE, HOLD_GENERATIONS } from '../../apps/risk-api/src/tokens';
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

  const asyncCheck = async (customerId: string, eventId: string, documentId: string) => {
    const input = event(customerId, eventId, 'document.checkRequested', {
      documentType: 'order',
      documentId,
      amount: '300.00',
      requestedBy: 'luca',
    });
    await producer.events(stack.engine.kafka.topics.documents, [input]);
    const held = await outcome(input.eventId);
    expect(validateOutputEvent(held)).toEqual({ ok: true });
    expect(held.type).toBe('document.held');
    return held.data.holdId as string;
  };

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

  it('keeps the highest generation of a document: a late write of an older decision lowers nothing', async () => {
    const generations = api.get<HoldGenerations>(HOLD_GENERATIONS);
    const document = {
      companyId: COMPANY,
      customerId: 'C-GEN',
      documentType: 'invoice',
      documentId: 'INV:1',
    };
    const other = { ...document, documentType: 'order' };
    expect(await generations.load([document, other])).toEqual([0, 0]);
    await generations.raise(document, 2);
    await generations.raise(document, 1);
    expect(await generations.load([document, other])).toEqual([2, 0]);
  });
});
