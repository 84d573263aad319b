import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { addDays, businessDateAt } from '@credit/domain';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';
type Json = Record<string, unknown>;

/**
 * Before the sale (spec section 11) through the API against the real engine:
 * four-eyes limit requests, credit classes and their assignment, manual
 * blocks and the limit proposal, each audited and published on
 * risk.credit-limits through the API outbox.
 */
describe('credit governance through the API', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let engine: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let topics: IsolatedStack['engine']['kafka']['topics'];
  const token = (sub: string, roles: ('viewer' | 'credit-manager' | 'admin')[]) =>
    `Bearer ${tokenFor(stack, roles, [COMPANY], sub)}`;
  let maria: string; // credit-manager, limit authority 10,000.00
  let paolo: string; // credit-manager, limit authority 20,000.00
  let luca: string; // credit-manager, limit authority 100,000.00
  let viewer: string;

  const http = () => request(api.getHttpServer());
  const base = `/v1/companies/${COMPANY}`;
  const customer = (id: string, rest = '') => `${base}/customers/${encodeURIComponent(id)}${rest}`;
  const as = (req: request.Test, bearer: string) => req.set('Authorization', bearer);
  const exposure = (id: string) => as(http().get(customer(id, '/exposure')), viewer);
  const events = (type: string, customerId: string): Json[] =>
    recorder
      .json(topics.creditLimits)
      .filter((e) => e.type === type && e.customerId === customerId) as Json[];
  const published = (type: string, customerId: string, count = 1) =>
    eventually(
      () => events(type, customerId),
      (list) => list.length >= count,
    );
  const order = (customerId: string, orderId: string, amount: string) =>
    producer.events(topics.documents, [
      {
        companyId: COMPANY,
        customerId,
        eventId: `${customerId}-${orderId}`,
        type: 'order.confirmed',
        data: { orderId, amount },
      },
    ]);

  beforeAll(async () => {
    stack = await isolatedStack();
    topics = stack.engine.kafka.topics;
    recorder = new TopicRecorder(stack.kafka, [topics.creditLimits, topics.breaches], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, new TestClock(new Date()));
    maria = token('maria', ['credit-manager']);
    paolo = token('paolo', ['credit-manager']);
    luca = token('luca', ['credit-manager']);
    viewer = token('victor', ['viewer']);
    const admin = token('anna', ['admin']);
    for (const [role, maxLimit, member] of [
      ['area', '10000.00', 'maria'],
      ['branch', '20000.00', 'paolo'],
      ['cfo', '100000.00', 'luca'],
    ]) {
      await as(http().put(`${base}/approval-roles/${role}`), admin)
        .send({ maxExcess: '0.00', mayReleaseOverdue: false, maxLimit })
        .expect(201);
      await as(http().put(`${base}/approval-roles/${role}/members/${member}`), admin)
        .send({})
        .expect(201);
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it("four eyes: a limit above the setter's cap changes nothing until another user with authority approves it", async () => {
    const id = 'C-4EYES';
    await order(id, 'SO-1', '900.00');
    await eventually(
      () => exposure(id),
      (r) => r.body.total === '900.00',
    );
    // Within maria's authority: applied at once.
    await as(http().put(customer(id, '/credit-limit')), maria)
      .send({ amount: '500.00', mode: 'block', reason: 'opening limit' })
      .expect(200);
    await eventually(
      () => exposure(id),
      (r) => r.body.status === 'EXCEEDED',
    );

    const asked = await as(http().put(customer(id, '/credit-limit')), maria)
      .send({ amount: '50000.00', mode: 'block', reason: 'turnover up' })
      .expect(202);
    expect(asked.body).toMatchObject({
      companyId: COMPANY,
      customerId: id,
      amount: '50000.00',
      mode: 'block',
      status: 'pending',
      requestedBy: 'maria',
      reason: 'turnover up',
      decidedBy: null,
    });
    const requestId = asked.body.requestId as string;
    const decide = (action: 'approve' | 'reject', bearer: string, body: object = { reason: 'checked' }) =>
      as(http().post(`${base}/credit-limit-requests/${requestId}/${action}`), bearer).send(body);

    // Nothing changed: the limit, its history and the exposure are as before.
    expect((await as(http().get(customer(id, '/credit-limit')), viewer).expect(200)).body.limit.amount).toBe(
      '500.00',
    );
    expect((await as(http().get(customer(id, '/credit-limit/history')), viewer).expect(200)).body.total).toBe(
      1,
    );
    expect((await exposure(id)).body.status).toBe('EXCEEDED');
    const queue = await as(http().get(`${base}/credit-limit-requests?status=pending`), viewer).expect(200);
    expect(queue.body.items.map((r: Json) => r.requestId)).toContain(requestId);

    // The requester never decides; a decider whose cap does not cover it neither.
    const own = await decide('approve', maria).expect(403);
    expect(own.body.message).toMatch(/four eyes/);
    await decide('reject', maria).expect(403);
    const short = await decide('approve', paolo).expect(403);
    expect(short.body.message).toMatch(/20000\.00/);
    expect((await decide('approve', luca, { reason: '' }).expect(400)).body.message).toMatch(/^reason /);
    expect((await as(http().get(customer(id, '/credit-limit')), viewer).expect(200)).body.limit.amount).toBe(
      '500.00',
    );

    const approved = await decide('approve', luca).expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'luca', decisionReason: 'checked' });
    await decide('approve', luca).expect(409);
    const [set] = (await published('creditLimit.set', id, 2)).slice(-1);
    expect(set.data).toMatchObject({ amount: '50000.00', mode: 'block', setBy: 'luca' });
    const current = await as(http().get(customer(id, '/credit-limit')), viewer).expect(200);
    expect(current.body).toMatchObject({ limit: { amount: '50000.00' }, setBy: 'luca' });

    // The engine folds it and publishes the new status.
    const [change] = await eventually(
      () =>
        recorder
          .json(topics.breaches)
          .filter(
            (e) =>
              e.customerId === id && e.type === 'exposure.statusChanged' && e.causationId === set.eventId,
          ),
      (list) => list.length >= 1,
    );
    expect(change.data).toMatchObject({ from: 'EXCEEDED', to: 'OK', limit: '50000.00' });
    const mine = await as(http().get(customer(id, '/credit-limit-requests?status=approved')), viewer).expect(
      200,
    );
    expect(mine.body).toMatchObject({ total: 1, items: [{ requestId, status: 'approved' }] });
  });

  it('approval roles carry maxLimit: validated, shown, and kept when a body leaves it out', async () => {
    const admin = token('anna', ['admin']);
    const bad = await as(http().put(`${base}/approval-roles/area`), admin)
      .send({ maxExcess: '0.00', mayReleaseOverdue: false, maxLimit: 5000 })
      .expect(400);
    expect(bad.body.errors).toEqual([
      'maxLimit must be a money string >= 0 like 50000.00, or null for unlimited',
    ]);
    await as(http().put(`${base}/approval-roles/area`), admin)
      .send({ maxExcess: '100.00', mayReleaseOverdue: false })
      .expect(200);
    const role = await as(http().get(`${base}/approval-roles/area`), viewer).expect(200);
    expect(role.body).toMatchObject({ maxExcess: '100.00', maxLimit: '10000.00' });
    await as(http().put(`${base}/approval-roles/fresh`), admin)
      .send({ maxExcess: null, mayReleaseOverdue: true })
      .expect(201);
    expect((await as(http().get(`${base}/approval-roles/fresh`), viewer).expect(200)).body.maxLimit).toBe(
      '0.00',
    );
  });

  it('a rejection needs a reason and leaves the limit as it was', async () => {
    const id = 'C-REJECT';
    await as(http().put(customer(id, '/credit-limit')), luca)
      .send({ amount: '1000.00', mode: 'warn', reason: 'opening' })
      .expect(200);
    // The opening limit is on the topic before the request, so the count below sees only what the rejection adds.
    await published('creditLimit.set', id);
    const asked = await as(http().post(customer(id, '/credit-limit-requests')), maria)
      .send({ amount: '30000.00', mode: 'warn', reason: 'asked by sales' })
      .expect(201);
    expect(asked.body).toMatchObject({ status: 'pending', requestedBy: 'maria' });
    const path = `${base}/credit-limit-requests/${asked.body.requestId}/reject`;
    expect((await as(http().post(path), luca).send({}).expect(400)).body.message).toMatch(/^reason /);
    // Rejecting is a decision about the amount too: paolo's 20,000.00 does not cover 30,000.00.
    await as(http().post(path), paolo).send({ reason: 'no' }).expect(403);
    const rejected = await as(http().post(path), luca).send({ reason: 'late payer' }).expect(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      decidedBy: 'luca',
      decisionReason: 'late payer',
    });
    expect((await as(http().get(customer(id, '/credit-limit')), viewer).expect(200)).body.limit.amount).toBe(
      '1000.00',
    );
    expect(events('creditLimit.set', id)).toHaveLength(1);

    // Four eyes even for a requester whose own authority would cover it.
    const own = await as(http().post(customer(id, '/credit-limit-requests')), luca)
      .send({ amount: '2000.00', mode: 'warn', reason: 'asked by luca' })
      .expect(201);
    const self = await as(http().post(`${base}/credit-limit-requests/${own.body.requestId}/approve`), luca)
      .send({ reason: 'mine' })
      .expect(403);
    expect(self.body.message).toMatch(/^four eyes: you requested credit-limit request/);
  });

  it('credit classes: CRUD, assignment and class changes publish creditClass.assigned', async () => {
    const id = 'C-CLASS';
    const klass = {
      description: 'Good payers',
      maxPaymentTermsDays: 60,
      maxDocumentAmount: '20000.00',
      reviewEveryDays: 365,
    };
    await as(http().put(`${base}/credit-classes/GOLD`), viewer)
      .send(klass)
      .expect(403);
    const bad = await as(http().put(`${base}/credit-classes/GOLD`), maria)
      .send({ ...klass, maxPaymentTermsDays: 4000 })
      .expect(400);
    expect(bad.body.errors).toEqual(['maxPaymentTermsDays must be an integer from 0 to 3650']);
    const created = await as(http().put(`${base}/credit-classes/GOLD`), maria)
      .send(klass)
      .expect(201);
    expect(created.body).toMatchObject({ code: 'GOLD', ...klass, customers: 0, updatedBy: 'maria' });
    await as(http().put(`${base}/credit-classes/GOLD`), maria)
      .send(klass)
      .expect(200);

    await as(http().put(customer(id, '/credit-class')), maria)
      .send({ code: 'NONE', reason: 'x' })
      .expect(404);
    const assigned = await as(http().put(customer(id, '/credit-class')), maria)
      .send({ code: 'GOLD', reason: 'judged fit' })
      .expect(200);
    expect(assigned.body).toMatchObject({
      customerId: id,
      code: 'GOLD',
      reason: 'judged fit',
      assignedBy: 'maria',
    });
    expect((await as(http().get(customer(id, '/credit-class')), viewer).expect(200)).body.code).toBe('GOLD');
    const [event] = await published('creditClass.assigned', id);
    expect(event).toMatchObject({ companyId: COMPANY, customerId: id, schemaVersion: 1 });
    expect(event.data).toEqual({
      code: 'GOLD',
      description: 'Good payers',
      maxPaymentTermsDays: 60,
      maxDocumentAmount: '20000.00',
      reviewEveryDays: 365,
      assignedBy: 'maria',
      reason: 'judged fit',
    });
    expect(
      recorder.received
        .get(topics.creditLimits)!
        .find((m) => JSON.parse(m.value.toString()).eventId === event.eventId)!.key,
    ).toBe(`${COMPANY}:${id}`);

    const held = await as(http().delete(`${base}/credit-classes/GOLD`), maria).expect(409);
    expect(held.body.message).toMatch(/still held by 1 customer/);
    await as(http().put(`${base}/credit-classes/GOLD`), paolo)
      .send({ ...klass, maxPaymentTermsDays: 90 })
      .expect(200);
    const [, republished] = await published('creditClass.assigned', id, 2);
    expect(republished.data).toMatchObject({
      code: 'GOLD',
      maxPaymentTermsDays: 90,
      assignedBy: 'paolo',
      reason: 'class updated',
    });
    const list = await as(http().get(`${base}/credit-classes`), viewer).expect(200);
    expect(list.body).toMatchObject({
      total: 1,
      items: [{ code: 'GOLD', customers: 1, maxPaymentTermsDays: 90 }],
    });

    await as(http().put(`${base}/credit-classes/SPARE`), maria)
      .send({ description: 'unused', maxPaymentTermsDays: 0 })
      .expect(201);
    await as(http().delete(`${base}/credit-classes/SPARE`), maria).expect(204);
    await as(http().get(`${base}/credit-classes/SPARE`), viewer).expect(404);
  });

  it('manual block: set and removal are published; until must be a real date', async () => {
    const id = 'C-BLOCK';
    const bad = await as(http().put(customer(id, '/manual-block')), maria)
      .send({ reason: 'fraud suspected', until: '2026-02-30' })
      .expect(400);
    expect(bad.body.errors).toEqual(['until must be a real date YYYY-MM-DD']);
    await as(http().put(customer(id, '/manual-block')), viewer)
      .send({ reason: 'x' })
      .expect(403);
    const set = await as(http().put(customer(id, '/manual-block')), maria)
      .send({ reason: 'fraud suspected', until: '2027-01-31' })
      .expect(200);
    const [event] = await published('manualBlock.set', id);
    expect(event.eventId).toBe(set.body.eventId);
    expect(event.data).toEqual({ reason: 'fraud suspected', until: '2027-01-31', setBy: 'maria' });
    expect((await as(http().get(customer(id, '/manual-block')), viewer).expect(200)).body).toMatchObject({
      reason: 'fraud suspected',
      until: '2027-01-31',
      setBy: 'maria',
    });
    await as(http().delete(customer(id, '/manual-block')), maria)
      .send({ reason: 'cleared' })
      .expect(200);
    const [removed] = await published('manualBlock.removed', id);
    expect(removed.data).toEqual({ removedBy: 'maria', reason: 'cleared' });
    await as(http().get(customer(id, '/manual-block')), viewer).expect(404);
    await as(http().delete(customer(id, '/manual-block')), maria)
      .send({})
      .expect(404);
  });

  it('the credit check accepts paymentTermsDays (0..3650) and refuses anything else naming the field', async () => {
    const erp = token('erp', ['credit-manager']);
    const check = (paymentTermsDays: unknown) =>
      as(http().post(customer('C-TERMS', '/credit-checks')), erp).send({
        documentType: 'order',
        documentId: `SO-${String(paymentTermsDays)}`,
        amount: '10.00',
        paymentTermsDays,
      });
    await check(60).expect(200);
    for (const bad of [-1, 3651, 1.5, '60']) {
      expect((await check(bad).expect(400)).body.errors).toEqual([
        'paymentTermsDays must be an integer from 0 to 3650',
      ]);
    }
  });

  it('proposes the exact limit from the live state: 73,000.01 / 365 x 30 x 1.2 = 7,200.0010 -> 7,300.00', async () => {
    const id = 'C-PROPOSAL';
    const today = businessDateAt(new Date(), stack.api.defaultTimeZone);
    await as(http().put(`${base}/credit-classes/NET30`), maria)
      .send({ description: '30 days', maxPaymentTermsDays: 30 })
      .expect(201);
    await as(http().put(customer(id, '/credit-class')), maria)
      .send({ code: 'NET30', reason: 'new' })
      .expect(200);
    const invoice = (invoiceId: string, amount: string, invoiceDate: string, kind = 'invoice') => ({
      companyId: COMPANY,
      customerId: id,
      eventId: `${id}-${invoiceId}`,
      type: 'invoice.issued',
      data: { invoiceId, kind, amount, invoiceDate },
    });
    await producer.events(topics.documents, [
      invoice('INV-1', '36500.00', addDays(today, -10)),
      invoice('INV-2', '36600.01', addDays(today, -364)),
      invoice('CN-1', '100.00', addDays(today, -5), 'credit-note'),
      invoice('INV-OLD', '99999.00', addDays(today, -365)),
    ]);
    const proposal = await eventually(
      () => as(http().get(customer(id, '/credit-limit/proposal')), viewer),
      (r) => r.status === 200 && r.body.basis.turnover12m === '73000.01',
    );
    expect(proposal.body).toEqual({
      proposedAmount: '7300.00',
      currentLimit: null,
      basis: {
        turnover12m: '73000.01',
        fromDate: addDays(today, -364),
        toDate: today,
        maxPaymentTermsDays: 30,
        termsSource: 'class',
        avgDaysLate: '0.00',
        riskClass: 'A',
        factor: '1.2',
      },
    });
    // The company's factor applies: 73,000.01 / 365 x 30 x 1.5 = 9,000.0012 -> 9,100.00
    await as(http().put(`${base}/parameters`), maria)
      .send({ limitProposalFactors: { A: '1.5' }, reason: 'growth' })
      .expect(200);
    const changed = await as(http().get(customer(id, '/credit-limit/proposal')), viewer).expect(200);
    expect(changed.body).toMatchObject({ proposedAmount: '9100.00', basis: { factor: '1.5' } });
    const bad = await as(http().put(`${base}/parameters`), maria)
      .send({ limitProposalFactors: { B: 'x' }, reason: 'r' })
      .expect(400);
    expect(bad.body.errors).toEqual([
      expect.stringMatching(/^limitProposalFactors\.B must be a decimal string/),
    ]);
  });
});
