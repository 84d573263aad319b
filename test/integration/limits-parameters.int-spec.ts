import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { INestApplication, Logger } from '@nestjs/common';
import { decodeInputEvent } from '@credit/contracts';
import { CompanyParametersStore } from '@credit/redis';
import { COMPANY_PARAMETERS_STORE } from '../../apps/risk-api/src/tokens';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';
import { grantUnlimitedLimitAuthority } from '../support/limit-authority';

const COMPANY = 'IT01';
/** Its parameters change in the last tests: kept apart from the limit tests' customers. */
const PARAMS_COMPANY = 'IT02';
const FOREIGN = 'DE01';

type Json = Record<string, unknown>;

/**
 * Credit limits and company parameters through the risk API, against the real
 * engine: a change made through the API is audited, published on
 * risk.credit-limits (or saved for the engine), folded, and the exposure and
 * the events the engine publishes follow.
 */
describe('credit limits and company parameters through the API', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let manager: string;
  let viewer: string;
  let foreignManager: string;
  let topics: IsolatedStack['engine']['kafka']['topics'];

  const path = (customerId: string, company = COMPANY) =>
    `/v1/companies/${company}/customers/${encodeURIComponent(customerId)}`;
  const http = () => request(api.getHttpServer());
  const exposure = (customerId: string, company = COMPANY) =>
    http()
      .get(`${path(customerId, company)}/exposure`)
      .set('Authorization', `Bearer ${viewer}`);
  const putLimit = (customerId: string, body: unknown, token = manager, company = COMPANY) =>
    http()
      .put(`${path(customerId, company)}/credit-limit`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const deleteLimit = (customerId: string, body: unknown, token = manager, company = COMPANY) =>
    http()
      .delete(`${path(customerId, company)}/credit-limit`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const getLimit = (customerId: string, token = viewer, company = COMPANY) =>
    http()
      .get(`${path(customerId, company)}/credit-limit`)
      .set('Authorization', `Bearer ${token}`);
  const limitHistory = (customerId: string, query = '', token = viewer, company = COMPANY) =>
    http()
      .get(`${path(customerId, company)}/credit-limit/history${query}`)
      .set('Authorization', `Bearer ${token}`);
  const getParameters = (company = PARAMS_COMPANY, token = viewer) =>
    http().get(`/v1/companies/${company}/parameters`).set('Authorization', `Bearer ${token}`);
  const putParameters = (body: unknown, token = manager, company = PARAMS_COMPANY) =>
    http()
      .put(`/v1/companies/${company}/parameters`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);
  const parametersHistory = (query = '', company = PARAMS_COMPANY, token = viewer) =>
    http().get(`/v1/companies/${company}/parameters/history${query}`).set('Authorization', `Bearer ${token}`);

  /** The credit-limit events the API published, by eventId. */
  const published = (eventId: string) =>
    eventually(
      () =>
        recorder.received
          .get(topics.creditLimits)!
          .filter((m) => JSON.parse(m.value.toString()).eventId === eventId),
      (list) => list.length >= 1,
    ).then(([message]) => message);
  const breaches = (customerId: string, type: string) =>
    recorder.json(topics.breaches).filter((e) => e.customerId === customerId && e.type === type);
  const blocks = (customerId: string, type: string) =>
    recorder.json(topics.blocks).filter((e) => e.customerId === customerId && e.type === type);
  const order = (customerId: string, orderId: string, amount: string, company = COMPANY) =>
    producer.events(topics.documents, [
      {
        companyId: company,
        customerId,
        eventId: `${company}-${orderId}`,
        type: 'order.confirmed',
        data: { orderId, amount },
      },
    ]);

  beforeAll(async () => {
    stack = await isolatedStack();
    topics = stack.engine.kafka.topics;
    recorder = new TopicRecorder(
      stack.kafka,
      [topics.creditLimits, topics.breaches, topics.blocks, topics.deadLetter],
      `rec-${stack.id}`,
    );
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    engine = await startEngine(stack, new TestClock(new Date('2026-03-02T09:00:00Z')));
    manager = tokenFor(stack, ['credit-manager'], [COMPANY, PARAMS_COMPANY], 'maria.rossi');
    viewer = tokenFor(stack, ['viewer'], [COMPANY, PARAMS_COMPANY], 'victor');
    foreignManager = tokenFor(stack, ['credit-manager'], [FOREIGN], 'fritz');
    // Four eyes on limits is credit-governance.int-spec's subject: here the setters may set any limit.
    await grantUnlimitedLimitAuthority(api, stack, COMPANY, ['maria.rossi', 'root']);
    await grantUnlimitedLimitAuthority(api, stack, PARAMS_COMPANY, ['maria.rossi']);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('sets, changes and removes a limit: audited, published on risk.credit-limits, folded by the engine', async () => {
    const customer = 'C-LIM/1';
    await order(customer, 'SO-1', '900.00');
    await eventually(
      () => exposure(customer),
      (r) => r.status === 200 && r.body.total === '900.00',
    );
    expect((await exposure(customer)).body.status).toBe('NO_LIMIT');
    const none = await getLimit(customer).expect(404);
    expect(none.body.message).toMatch(/has no credit limit/);

    // 1. A limit of 1000 in warn mode: 900 reaches the 80% threshold.
    const first = await putLimit(customer, {
      amount: '1000.00',
      mode: 'warn',
      reason: 'new customer',
    }).expect(200);
    const firstLimit = {
      amount: '1000.00',
      mode: 'warn',
      attentionThresholdPct: 80,
      validUntil: null,
      blockOnOverdue: true,
      overdueToleranceDays: 0,
    };
    expect(first.body).toEqual({
      limit: firstLimit,
      before: null,
      changeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const message = await published(first.body.eventId);
    expect(message.key).toBe(`${COMPANY}:${customer}`);
    const event = JSON.parse(message.value.toString()) as Json;
    expect(event).toEqual({
      eventId: first.body.eventId,
      type: 'creditLimit.set',
      schemaVersion: 1,
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      companyId: COMPANY,
      customerId: customer,
      data: {
        amount: '1000.00',
        mode: 'warn',
        attentionThresholdPct: 80,
        blockOnOverdue: true,
        overdueToleranceDays: 0,
        setBy: 'maria.rossi',
        reason: 'new customer',
      },
    });
    expect(decodeInputEvent('creditLimits', Buffer.from(message.key!), message.value).ok).toBe(true);

    const warned = await eventually(
      () => exposure(customer),
      (r) => r.body.status === 'WARNING',
    );
    expect(warned.body).toMatchObject({
      total: '900.00',
      limit: { amount: '1000.00', mode: 'warn', attentionThresholdPct: 80, validUntil: null },
      blocked: false,
    });
    const [statusChange] = await eventually(
      () => breaches(customer, 'exposure.statusChanged'),
      (list) => list.length >= 1,
    );
    expect(statusChange).toMatchObject({
      causationId: first.body.eventId,
      data: { from: 'NO_LIMIT', to: 'WARNING', total: '900.00', limit: '1000.00' },
    });
    const current = await getLimit(customer).expect(200);
    expect(current.body).toEqual({
      companyId: COMPANY,
      customerId: customer,
      customerName: null, // no customer.updated for this customer
      limit: firstLimit,
      source: 'api',
      changeId: first.body.changeId,
      setBy: 'maria.rossi',
      reason: 'new customer',
      setAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      appliedByEngine: true,
    });

    // 2. Changed to 800 in block mode, valid until a date: EXCEEDED and blocked.
    const second = await putLimit(customer, {
      amount: '800',
      mode: 'block',
      attentionThresholdPct: 90,
      validUntil: '2026-12-31',
      blockOnOverdue: false,
      overdueToleranceDays: 10,
      reason: 'reduced after late payments',
    }).expect(200);
    const secondLimit = {
      amount: '800',
      mode: 'block',
      attentionThresholdPct: 90,
      validUntil: '2026-12-31',
      blockOnOverdue: false,
      overdueToleranceDays: 10,
    };
    expect(second.body).toMatchObject({ limit: secondLimit, before: firstLimit });
    expect(JSON.parse((await published(second.body.eventId)).value.toString()).data).toEqual({
      amount: '800',
      mode: 'block',
      attentionThresholdPct: 90,
      validUntil: '2026-12-31',
      blockOnOverdue: false,
      overdueToleranceDays: 10,
      setBy: 'maria.rossi',
      reason: 'reduced after late payments',
    });
    const exceeded = await eventually(
      () => exposure(customer),
      (r) => r.body.status === 'EXCEEDED',
    );
    expect(exceeded.body).toMatchObject({
      blocked: true,
      limit: { amount: '800.00', mode: 'block', attentionThresholdPct: 90, validUntil: '2026-12-31' },
    });
    const [blocked] = await eventually(
      () => blocks(customer, 'customer.blocked'),
      (list) => list.length >= 1,
    );
    expect(blocked).toMatchObject({
      causationId: second.body.eventId,
      data: { reasons: ['LIMIT_EXCEEDED'] },
    });
    expect((await getLimit(customer).expect(200)).body).toMatchObject({
      limit: secondLimit,
      appliedByEngine: true,
    });

    // 3. Removed: NO_LIMIT again, unblocked.
    const removed = await deleteLimit(customer, { reason: 'customer pays upfront now' }).expect(200);
    expect(removed.body).toMatchObject({ limit: null, before: secondLimit });
    expect(JSON.parse((await published(removed.body.eventId)).value.toString())).toMatchObject({
      type: 'creditLimit.removed',
      data: { removedBy: 'maria.rossi', reason: 'customer pays upfront now' },
    });
    const noLimit = await eventually(
      () => exposure(customer),
      (r) => r.body.status === 'NO_LIMIT',
    );
    expect(noLimit.body).toMatchObject({ limit: null, blocked: false });
    await eventually(
      () => blocks(customer, 'customer.unblocked'),
      (list) => list.length >= 1,
    );
    await getLimit(customer).expect(404);
    const again = await deleteLimit(customer, { reason: 'twice' }).expect(404);
    expect(again.body.message).toMatch(/has no credit limit to remove/);

    // The history: newest first, before/after/who/why of each change.
    const history = await limitHistory(customer).expect(200);
    expect(history.body).toMatchObject({ limit: 50, offset: 0, total: 3 });
    expect(history.body.items).toEqual([
      {
        changeId: removed.body.changeId,
        action: 'removed',
        before: secondLimit,
        after: null,
        changedBy: 'maria.rossi',
        reason: 'customer pays upfront now',
        changedAt: expect.any(String),
        eventId: removed.body.eventId,
      },
      {
        changeId: second.body.changeId,
        action: 'set',
        before: firstLimit,
        after: secondLimit,
        changedBy: 'maria.rossi',
        reason: 'reduced after late payments',
        changedAt: expect.any(String),
        eventId: second.body.eventId,
      },
      {
        changeId: first.body.changeId,
        action: 'set',
        before: null,
        after: firstLimit,
        changedBy: 'maria.rossi',
        reason: 'new customer',
        changedAt: expect.any(String),
        eventId: first.body.eventId,
      },
    ]);
    const times = history.body.items.map((i: Json) => Date.parse(String(i.changedAt)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const page = await limitHistory(customer, '?limit=1&offset=1').expect(200);
    expect(page.body).toMatchObject({ limit: 1, offset: 1, total: 3 });
    expect(page.body.items.map((i: Json) => i.changeId)).toEqual([second.body.changeId]);
    expect((await limitHistory(customer, '?offset=3').expect(200)).body.items).toEqual([]);
  });

  it('takes the limit the engine knows from another producer as the before of the first API change', async () => {
    const customer = 'C-EXT';
    await producer.events(topics.creditLimits, [
      {
        companyId: COMPANY,
        customerId: customer,
        eventId: 'ext-lim-1',
        type: 'creditLimit.set',
        data: { amount: '500.00', mode: 'block', attentionThresholdPct: 70, setBy: 'erp-import' },
      },
    ]);
    await eventually(
      () => exposure(customer),
      (r) => r.status === 200 && r.body.limit?.amount === '500.00',
    );
    const known = await getLimit(customer).expect(200);
    expect(known.body).toMatchObject({
      source: 'engine',
      changeId: null,
      setBy: null,
      limit: {
        amount: '500.00',
        mode: 'block',
        attentionThresholdPct: 70,
        validUntil: null,
        blockOnOverdue: null,
        overdueToleranceDays: null,
      },
      appliedByEngine: true,
    });
    const changed = await putLimit(customer, { amount: '750.00', mode: 'block', reason: 'raised' }).expect(
      200,
    );
    expect(changed.body.before).toEqual(known.body.limit);
    await published(changed.body.eventId);
    const [audit] = (await limitHistory(customer).expect(200)).body.items;
    expect(audit).toMatchObject({ before: known.body.limit, after: { amount: '750.00' } });
  });

  it('refuses other roles and companies (403), and bad input (400 naming the field), auditing and publishing nothing', async () => {
    const customer = 'C-AUTH';
    const body = { amount: '100.00', mode: 'warn', reason: 'test' };
    const before = recorder.received.get(topics.creditLimits)!.length;

    const byViewer = await putLimit(customer, body, viewer).expect(403);
    expect(byViewer.body).toMatchObject({
      status: 403,
      title: 'Forbidden',
      detail: 'requires role credit-manager',
    });
    await deleteLimit(customer, { reason: 'x' }, viewer).expect(403);
    const approver = tokenFor(stack, ['approver'], [COMPANY]);
    await putLimit(customer, body, approver).expect(403);
    const erp = tokenFor(stack, ['erp-service'], '*');
    await putLimit(customer, body, erp).expect(403);
    await getLimit(customer, erp).expect(404);
    const admin = tokenFor(stack, ['admin'], [COMPANY], 'root');

    const foreign = await putLimit(customer, body, foreignManager).expect(403);
    expect(foreign.body.message).toBe(`no access to company ${COMPANY}`);
    await deleteLimit(customer, { reason: 'x' }, foreignManager).expect(403);
    await getLimit(customer, foreignManager).expect(403);
    await limitHistory(customer, '', foreignManager).expect(403);
    await getParameters(PARAMS_COMPANY, foreignManager).expect(403);
    await putParameters({ billRiskDays: 10, reason: 'x' }, foreignManager).expect(403);
    await parametersHistory('', PARAMS_COMPANY, foreignManager).expect(403);
    await putParameters({ billRiskDays: 10, reason: 'x' }, viewer).expect(403);
    await http()
      .put(`${path(customer)}/credit-limit`)
      .send(body)
      .expect(401);
    await http().get(`/v1/companies/${PARAMS_COMPANY}/parameters`).expect(401);

    const invalid: [unknown, RegExp][] = [
      [{ ...body, amount: 100 }, /^amount must be a money string >= 0/],
      [{ ...body, amount: '-5.00' }, /^amount must be a money string >= 0/],
      [{ ...body, mode: 'soft' }, /^mode must be one of the following values: warn, block$/],
      [{ ...body, attentionThresholdPct: 0 }, /^attentionThresholdPct must be an integer from 1 to 100$/],
      [{ ...body, validUntil: '2026-02-29' }, /^validUntil must be a real date YYYY-MM-DD$/],
      [{ ...body, blockOnOverdue: 'yes' }, /^blockOnOverdue must be a boolean value$/],
      [{ ...body, overdueToleranceDays: -3 }, /^overdueToleranceDays must be an integer from 0 to 3660$/],
      [{ amount: '100.00', mode: 'warn' }, /^reason /],
      [{ ...body, reason: '' }, /^reason must not be empty$/],
      [{ ...body, setBy: 'someone else' }, /^property setBy should not exist$/],
    ];
    for (const [bad, message] of invalid) {
      const res = await putLimit(customer, bad, admin).expect(400);
      expect(res.body.errors).toEqual([expect.stringMatching(message)]);
    }
    const notJson = await http()
      .put(`${path(customer)}/credit-limit`)
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'application/json')
      .send('{"amount": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toBe('request body is not valid JSON');
    expect((await deleteLimit(customer, {}, admin).expect(400)).body.message).toMatch(/^reason /);
    expect((await putLimit('bad id!', body, admin).expect(400)).body.message).toMatch(
      /^customerId must match/,
    );
    expect((await limitHistory(customer, '?limit=501').expect(400)).body.message).toBe(
      'limit must be an integer from 1 to 500',
    );
    expect((await limitHistory(customer, '?offset=-1').expect(400)).body.message).toBe(
      'offset must be an integer from 0 to 1000000000',
    );
    expect((await limitHistory(customer, '?sort=asc').expect(400)).body.message).toBe(
      'property sort should not exist',
    );
    expect((await putParameters({ billRiskDays: 400, reason: 'x' }).expect(400)).body.message).toBe(
      'billRiskDays must be an integer from 0 to 365',
    );
    expect(
      (await putParameters({ timeZone: 'Europe/Atlantis', reason: 'x' }).expect(400)).body.message,
    ).toMatch(/^timeZone must be an IANA time zone/);
    expect((await putParameters({ reason: 'nothing' }).expect(400)).body.message).toMatch(
      /at least one parameter/,
    );
    expect((await parametersHistory('?limit=0').expect(400)).body.message).toBe(
      'limit must be an integer from 1 to 500',
    );

    // A subject longer than setBy may carry (128 characters) never gets this far: its token is refused.
    const now = Math.floor(Date.now() / 1000);
    const longSubject = new JwtService().sign(
      { sub: 'u'.repeat(200), roles: ['credit-manager'], companies: [COMPANY], iat: now, exp: now + 600 },
      { secret: stack.api.jwtSecret, algorithm: 'HS256' },
    );
    const refused = await putLimit(customer, body, longSubject).expect(401);
    expect(refused.body.message).toBe(
      "token claim 'sub' must be 1 to 128 printable ASCII characters without spaces",
    );

    // An admin may do what a credit-manager may.
    const byAdmin = await putLimit(customer, body, admin).expect(200);
    const history = (await limitHistory(customer).expect(200)).body;
    expect(history.total).toBe(1);
    expect(history.items[0].changedBy).toBe('root');
    // The API publishes in order: once the admin's event is there, anything refused before would be too.
    await published(byAdmin.body.eventId);
    expect(recorder.received.get(topics.creditLimits)!.length).toBe(before + 1);
    expect(recorder.received.get(topics.deadLetter)).toEqual([]);
  });

  it('changes company parameters with audit: orders switched off, the engine re-assesses the customer', async () => {
    const customer = 'C-PAR';
    await putLimit(
      customer,
      { amount: '1000.00', mode: 'warn', reason: 'start' },
      manager,
      PARAMS_COMPANY,
    ).expect(200);
    await order(customer, 'SO-P', '900.00', PARAMS_COMPANY);
    await eventually(
      () => exposure(customer, PARAMS_COMPANY),
      (r) => r.body.status === 'WARNING',
    );

    const defaults = await getParameters().expect(200);
    expect(defaults.body).toEqual({
      companyId: PARAMS_COMPANY,
      customised: false,
      parameters: {
        timeZone: 'Europe/Rome',
        includedComponents: {
          orders: true,
          deliveries: true,
          unpostedInvoices: true,
          receivables: true,
          bills: true,
        },
        billRiskDays: 15,
        missingLimit: 'no-limit',
        riskClasses: {
          A: { maxAvgDaysLate: 5, maxDishonouredBills: 0 },
          B: { maxAvgDaysLate: 20, maxDishonouredBills: 1 },
          C: { maxAvgDaysLate: 45, maxDishonouredBills: 2 },
        },
        documentChecks: { order: 'block', delivery: 'block', invoice: 'block' },
        limitProposalFactors: { A: '1.2', B: '1.0', C: '0.7', D: '0.4' },
        // Changed through PUT …/dunning-policy (spec section 12); the minimum as a money string.
        dunning: {
          levels: [
            { level: 1, daysOverdue: 7, action: 'reminder' },
            { level: 2, daysOverdue: 21, action: 'formal-notice' },
            { level: 3, daysOverdue: 45, action: 'out-of-court' },
          ],
          minAmount: '50.00',
        },
      },
    });
    await parametersHistory().expect(200, { items: [], limit: 50, offset: 0, total: 0 });

    const changed = await putParameters({
      includedComponents: { orders: false },
      documentChecks: { invoice: 'warn' },
      reason: 'orders are prepaid',
    }).expect(200);
    const after = {
      ...defaults.body.parameters,
      includedComponents: { ...defaults.body.parameters.includedComponents, orders: false },
      documentChecks: { ...defaults.body.parameters.documentChecks, invoice: 'warn' },
    };
    expect(changed.body).toEqual({
      companyId: PARAMS_COMPANY,
      parameters: after,
      before: defaults.body.parameters,
      changeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      changedAt: expect.any(String),
      customersReviewed: 1,
    });

    const reassessed = await eventually(
      () => exposure(customer, PARAMS_COMPANY),
      (r) => r.body.status === 'OK',
    );
    expect(reassessed.body).toMatchObject({ total: '0.00', components: { orders: '900.00' } });
    const [review] = await eventually(
      () =>
        breaches(customer, 'exposure.statusChanged').filter((e) =>
          String(e.causationId).startsWith('review:'),
        ),
      (list) => list.length >= 1,
    );
    expect(review).toMatchObject({
      companyId: PARAMS_COMPANY,
      data: { from: 'WARNING', to: 'OK', total: '0.00' },
    });
    // Another company keeps its own (default) parameters.
    expect((await getParameters(COMPANY).expect(200)).body.customised).toBe(false);

    expect((await getParameters().expect(200)).body).toEqual({
      companyId: PARAMS_COMPANY,
      customised: true,
      parameters: after,
    });

    // Risk classes must stay ordered on the merged result.
    const unordered = await putParameters({
      riskClasses: { B: { maxAvgDaysLate: 3, maxDishonouredBills: 1 } },
      reason: 'stricter B',
    }).expect(400);
    expect(unordered.body.errors).toEqual([
      'riskClasses.B.maxAvgDaysLate must be >= riskClasses.A.maxAvgDaysLate (3 < 5)',
    ]);

    const second = await putParameters({
      billRiskDays: 30,
      timeZone: 'Europe/London',
      reason: 'UK branch',
    }).expect(200);
    expect(second.body.before).toEqual(after);
    expect(second.body.parameters).toEqual({ ...after, billRiskDays: 30, timeZone: 'Europe/London' });

    const history = await parametersHistory().expect(200);
    expect(history.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(history.body.items).toEqual([
      {
        changeId: second.body.changeId,
        before: after,
        after: second.body.parameters,
        changedBy: 'maria.rossi',
        reason: 'UK branch',
        changedAt: expect.any(String),
      },
      {
        changeId: changed.body.changeId,
        before: defaults.body.parameters,
        after,
        changedBy: 'maria.rossi',
        reason: 'orders are prepaid',
        changedAt: expect.any(String),
      },
    ]);
    const page = await parametersHistory('?limit=1&offset=1').expect(200);
    expect(page.body.items.map((i: Json) => i.changeId)).toEqual([changed.body.changeId]);
  });

  it('documents every route of limits and parameters in the served OpenAPI document, with examples', async () => {
    const doc = (await http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Json }> }>>;
    };
    const limitPath = '/v1/companies/{companyId}/customers/{customerId}/credit-limit';
    const expected: [string, string][] = [
      [limitPath, 'get'],
      [limitPath, 'put'],
      [limitPath, 'delete'],
      [`${limitPath}/history`, 'get'],
      ['/v1/companies/{companyId}/parameters', 'get'],
      ['/v1/companies/{companyId}/parameters', 'put'],
      ['/v1/companies/{companyId}/parameters/history', 'get'],
    ];
    for (const [route, method] of expected) {
      const operation = doc.paths[route]?.[method];
      expect(operation).toBeDefined();
      expect(JSON.stringify(operation.responses['200'].content)).toMatch(/"example"/);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    }
  });

  it('keeps no audit row when Redis refuses the parameters (and never shows the error)', async () => {
    const store = api.get<CompanyParametersStore>(COMPANY_PARAMETERS_STORE);
    const before = (await getParameters().expect(200)).body;
    const { total } = (await parametersHistory().expect(200)).body;
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest
      .spyOn(store, 'save')
      .mockRejectedValueOnce(new Error('READONLY You cannot write against a read only replica.'));
    try {
      const failed = await putParameters({ billRiskDays: 1, reason: 'will fail' }).expect(500);
      expect(failed.body.message).toMatch(/^Internal error; reference /);
      expect(JSON.stringify(failed.body)).not.toMatch(/READONLY|stack/);
      expect(store.save).toHaveBeenCalledTimes(1);
    } finally {
      jest.restoreAllMocks();
    }
    expect((await parametersHistory().expect(200)).body.total).toBe(total);
    expect((await getParameters().expect(200)).body).toEqual(before);
  });
});
