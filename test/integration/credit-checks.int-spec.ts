import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role } from '@credit/auth';
import { documentHoldId, validateOutputEvent } from '@credit/contracts';
import { DEFAULT_PARAMETERS } from '@credit/domain';
import { CompanyParametersStore } from '@credit/redis';
import { COMPANY_PARAMETERS_STORE, DATA_SOURCE } from '../../apps/risk-api/src/tokens';
import { CreditChecksService } from '../../apps/risk-api/src/credit-checks/credit-checks.service';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';

interface HoldRecord {
  hold_id: string;
  company_id: string;
  customer_id: string;
  document_type: string;
  document_id: string;
  amount: string;
  exposure_before: string;
  exposure_after: string;
  limit_amount: string | null;
  excess: string;
  reasons: string[];
  requested_by: string | null;
  source: string;
  causation_id: string;
  status: string;
}

interface OutputEvent {
  eventId: string;
  type: string;
  customerId: string;
  causationId: string;
  sequence: number;
  data: Record<string, unknown>;
}

/**
 * Credit checks of spec section 6 against real Kafka, Redis and Postgres: the
 * synchronous API reads the engine's live state and holds documents; the
 * asynchronous path (document.checkRequested) gives the same decision.
 */
describe('credit checks', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let db: DataSource;
  let producer: TestProducer;
  let recorder: TopicRecorder;
  let erp: string;
  let viewer: string;

  const event = (
    customerId: string,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
  ): RawEvent => ({
    companyId: COMPANY,
    customerId,
    eventId: `${customerId}-${eventId}`,
    type,
    data,
  });
  const limit = (customerId: string, amount: string, mode: 'warn' | 'block') =>
    event(customerId, 'limit', 'creditLimit.set', {
      amount,
      mode,
      attentionThresholdPct: 80,
      setBy: 'maria',
    });
  const order = (customerId: string, orderId: string, amount: string) =>
    event(customerId, orderId, 'order.confirmed', { orderId, amount });

  const exposure = (customerId: string) =>
    request(api.getHttpServer())
      .get(`/v1/companies/${COMPANY}/customers/${encodeURIComponent(customerId)}/exposure`)
      .set('Authorization', `Bearer ${viewer}`);

  /** Feeds a customer's limit and orders and waits until the engine has folded them. */
  async function customer(
    customerId: string,
    limitEvent: RawEvent | null,
    orders: RawEvent[],
    total: string,
  ) {
    const topics = stack.engine.kafka.topics;
    if (limitEvent) await producer.events(topics.creditLimits, [limitEvent]);
    await producer.events(topics.documents, orders);
    await eventually(
      () => exposure(customerId),
      (r) => r.status === 200 && r.body.total === total && (limitEvent === null || r.body.limit !== null),
    );
  }

  const check = (customerId: string, body: unknown, token = erp, company = COMPANY) =>
    request(api.getHttpServer())
      .post(`/v1/companies/${company}/customers/${encodeURIComponent(customerId)}/credit-checks`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  const holdsOf = (customerId: string): Promise<HoldRecord[]> =>
    db.query(`SELECT * FROM hold WHERE company_id = $1 AND customer_id = $2 ORDER BY created_at`, [
      COMPANY,
      customerId,
    ]);

  const blocks = (): OutputEvent[] =>
    recorder.json(stack.engine.kafka.topics.blocks) as unknown as OutputEvent[];
  /** The published outcome caused by one request or input event. */
  const outcome = (causationId: string) =>
    eventually(
      () => blocks().filter((e) => e.causationId === causationId && e.type.startsWith('document.')),
      (list) => list.length >= 1,
    ).then((list) => list[0]);

  beforeAll(async () => {
    stack = await isolatedStack();
    recorder = new TopicRecorder(stack.kafka, [stack.engine.kafka.topics.blocks], `rec-${stack.id}`);
    await recorder.start();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack);
    // The API uses the system clock: the engine's business date must be the same day.
    engine = await startEngine(stack, new TestClock(new Date()));
    db = api.get<DataSource>(DATA_SOURCE);
    erp = tokenFor(stack, ['erp-service'], [COMPANY], 'erp-connector');
    viewer = tokenFor(stack, ['viewer'], [COMPANY]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  it('holds a document that takes a block-mode customer over its limit, once per document', async () => {
    await customer(
      'C-BLOCK',
      limit('C-BLOCK', '1000.00', 'block'),
      [order('C-BLOCK', 'SO-1', '900.00')],
      '900.00',
    );

    const res = await check('C-BLOCK', {
      documentType: 'order',
      documentId: 'SO-2',
      amount: '200',
      requestedBy: 'giulia',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      decision: 'HOLD',
      holdId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      repeated: false,
      severity: 'block',
      exposureBefore: '900.00',
      exposureAfter: '1100.00',
      incremental: '200.00',
      limit: '1000.00',
      excess: '100.00',
      reasons: ['LIMIT_EXCEEDED'],
      status: { before: 'WARNING', after: 'EXCEEDED' },
      requestedBy: 'giulia',
      sentBy: 'erp-connector',
      businessDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const { holdId, requestId } = res.body;

    expect(await holdsOf('C-BLOCK')).toEqual([
      expect.objectContaining({
        hold_id: holdId,
        document_type: 'order',
        document_id: 'SO-2',
        amount: '200.00',
        exposure_before: '900.00',
        exposure_after: '1100.00',
        limit_amount: '1000.00',
        excess: '100.00',
        reasons: ['LIMIT_EXCEEDED'],
        requested_by: 'giulia',
        source: 'api',
        causation_id: requestId,
        status: 'pending',
      }),
    ]);

    const held = await outcome(requestId);
    expect(validateOutputEvent(held)).toEqual({ ok: true });
    expect(held).toMatchObject({
      type: 'document.held',
      customerId: 'C-BLOCK',
      sequence: 0,
      data: {
        documentType: 'order',
        documentId: 'SO-2',
        amount: '200.00',
        incrementalExposure: '200.00',
        exposureBefore: '900.00',
        exposureAfter: '1100.00',
        limit: '1000.00',
        reasons: ['LIMIT_EXCEEDED'],
        requestedBy: 'giulia',
        holdId,
      },
    });

    // The ERP asks again about the same document: the same hold, nothing new.
    const again = await check('C-BLOCK', { documentType: 'order', documentId: 'SO-2', amount: '200.00' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      decision: 'HOLD',
      holdId,
      repeated: true,
      exposureBefore: '900.00',
      exposureAfter: '1100.00',
      excess: '100.00',
      reasons: ['LIMIT_EXCEEDED'],
      status: { before: 'WARNING', after: 'EXCEEDED' },
    });
    expect(await holdsOf('C-BLOCK')).toHaveLength(1);
    const queued: { n: string }[] = await db.query(
      `SELECT count(*) AS n FROM api_outbox WHERE value::jsonb -> 'data' ->> 'documentId' = 'SO-2'`,
    );
    expect(Number(queued[0].n)).toBe(1);

    // Asked again for less, which alone would pass: the document is still held, nothing queued.
    const smaller = await check('C-BLOCK', { documentType: 'order', documentId: 'SO-2', amount: '10.00' });
    expect(smaller.status).toBe(200);
    expect(smaller.body).toMatchObject({ decision: 'HOLD', holdId, repeated: true, excess: '100.00' });
    const stillQueued: { n: string }[] = await db.query(
      `SELECT count(*) AS n FROM api_outbox WHERE value::jsonb -> 'data' ->> 'documentId' = 'SO-2'`,
    );
    expect(Number(stillQueued[0].n)).toBe(1);

    // Concurrent checks of another document still end with one hold.
    const body = { documentType: 'invoice', documentId: 'INV-9', amount: '500.00' };
    const answers = await Promise.all([
      check('C-BLOCK', body),
      check('C-BLOCK', body),
      check('C-BLOCK', body),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.holdId)).size).toBe(1);
    expect((await holdsOf('C-BLOCK')).filter((h) => h.document_id === 'INV-9')).toHaveLength(1);
  });

  it('allows a document well within the limit and publishes document.allowed', async () => {
    await customer('C-OK', limit('C-OK', '10000.00', 'block'), [order('C-OK', 'SO-1', '1000.00')], '1000.00');
    const res = await check('C-OK', { documentType: 'invoice', documentId: 'INV-1', amount: '500.00' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      decision: 'ALLOW',
      repeated: false,
      exposureBefore: '1000.00',
      exposureAfter: '1500.00',
      limit: '10000.00',
      excess: '0.00',
      reasons: [],
      status: { before: 'OK', after: 'OK' },
    });
    expect(res.body.holdId).toBeUndefined();
    const allowed = await outcome(res.body.requestId);
    expect(validateOutputEvent(allowed)).toEqual({ ok: true });
    expect(allowed).toMatchObject({
      type: 'document.allowed',
      sequence: 0,
      data: { documentId: 'INV-1', exposureAfter: '1500.00', reasons: [], requestedBy: 'erp-connector' },
    });
    expect(await holdsOf('C-OK')).toEqual([]);
  });

  it('only warns a warn-mode customer over its limit', async () => {
    await customer(
      'C-WARN',
      limit('C-WARN', '1000.00', 'warn'),
      [order('C-WARN', 'SO-1', '1200.00')],
      '1200.00',
    );
    const res = await check('C-WARN', { documentType: 'order', documentId: 'SO-2', amount: '100.00' });
    expect(res.body).toMatchObject({
      decision: 'WARN',
      severity: 'warn',
      exposureAfter: '1300.00',
      excess: '300.00',
      reasons: ['LIMIT_EXCEEDED'],
    });
    const warned = await outcome(res.body.requestId);
    expect(validateOutputEvent(warned)).toEqual({ ok: true });
    expect(warned).toMatchObject({
      type: 'document.warned',
      data: { documentId: 'SO-2', reasons: ['LIMIT_EXCEEDED'] },
    });
    expect(await holdsOf('C-WARN')).toEqual([]);
  });

  it('answers checks decided together each with its own decision, sharing their Postgres statements', async () => {
    await customer(
      'C-BURST',
      limit('C-BURST', '10000.00', 'block'),
      [order('C-BURST', 'SO-1', '1000.00')],
      '1000.00',
    );
    await customer(
      'C-BURST-HELD',
      limit('C-BURST-HELD', '1000.00', 'block'),
      [order('C-BURST-HELD', 'SO-1', '900.00')],
      '900.00',
    );
    const held = await check('C-BURST-HELD', { documentType: 'order', documentId: 'SO-H', amount: '200.00' });
    expect(held.body).toMatchObject({ decision: 'HOLD', repeated: false });

    const service = api.get(CreditChecksService);
    const statements = jest.spyOn(db.manager, 'query');
    const transactions = jest.spyOn(db, 'transaction');
    const principal = { subject: 'erp-connector', roles: ['erp-service' as Role], companies: [COMPANY] };
    const allowed = Array.from({ length: 12 }, (_, n) =>
      service.check(
        COMPANY,
        'C-BURST',
        { documentType: 'invoice', documentId: `INV-B${n}`, amount: `${n + 1}.00` },
        principal,
      ),
    );
    const repeated = Array.from({ length: 4 }, () =>
      service.check(
        COMPANY,
        'C-BURST-HELD',
        { documentType: 'order', documentId: 'SO-H', amount: '200.00' },
        principal,
      ),
    );
    const answers = await Promise.all([...allowed, ...repeated]);
    const shared = statements.mock.calls.filter(([sql]) => String(sql).includes('INSERT INTO api_outbox'));
    statements.mockRestore();
    transactions.mockRestore();

    answers.slice(0, 12).forEach((answer, n) =>
      expect(answer).toMatchObject({
        decision: 'ALLOW',
        repeated: false,
        exposureAfter: `${1000 + n + 1}.00`,
      }),
    );
    for (const answer of answers.slice(12)) {
      expect(answer).toMatchObject({
        decision: 'HOLD',
        repeated: true,
        holdId: held.body.holdId,
        excess: '100.00',
      });
    }
    // Fewer statements than allowed checks: decided in the same turn, they were queued together;
    // the re-checks of the held document found its hold in the same statements, with no transaction.
    expect(shared.length).toBeGreaterThanOrEqual(1);
    expect(shared.length).toBeLessThan(allowed.length);
    expect(transactions).not.toHaveBeenCalled();
    const queued: { document_id: string; n: string }[] = await db.query(
      `SELECT value::jsonb -> 'data' ->> 'documentId' AS document_id, count(*) AS n FROM api_outbox
        WHERE key IN ($1, $2) AND value::jsonb ->> 'causationId' <> $3
        GROUP BY 1 ORDER BY 1`,
      [`${COMPANY}:C-BURST`, `${COMPANY}:C-BURST-HELD`, held.body.requestId],
    );
    expect(queued).toEqual(
      Array.from({ length: 12 }, (_, n) => ({ document_id: `INV-B${n}`, n: '1' })).sort((a, b) =>
        a.document_id.localeCompare(b.document_id),
      ),
    );
    for (const answer of answers.slice(0, 12)) {
      expect(await outcome(answer.requestId)).toMatchObject({ type: 'document.allowed' });
    }
  });

  it("follows the customer's next event and a change of the company parameters (nothing kept past its version)", async () => {
    // A company of its own: its parameters change here.
    const company = 'IT05';
    const token = tokenFor(stack, ['erp-service'], [company], 'erp-connector');
    const at = (eventId: string, type: string, data: Record<string, unknown>): RawEvent => ({
      companyId: company,
      customerId: 'C-KEPT',
      eventId: `C-KEPT-${eventId}`,
      type,
      data,
    });
    const topics = stack.engine.kafka.topics;
    const before = async () =>
      (
        await check(
          'C-KEPT',
          { documentType: 'invoice', documentId: 'INV-1', amount: '10.00' },
          token,
          company,
        )
      ).body.exposureBefore as string;
    await producer.events(topics.creditLimits, [
      at('limit', 'creditLimit.set', { amount: '10000.00', mode: 'block', setBy: 'maria' }),
    ]);
    await producer.events(topics.documents, [
      at('SO-1', 'order.confirmed', { orderId: 'SO-1', amount: '1000.00' }),
    ]);
    await eventually(before, (exposure) => exposure === '1000.00');
    // Checked again: the same answer from what was kept.
    expect(await before()).toBe('1000.00');
    await producer.events(topics.documents, [
      at('SO-2', 'order.confirmed', { orderId: 'SO-2', amount: '2000.00' }),
    ]);
    await eventually(before, (exposure) => exposure === '3000.00');
    // Orders no longer counted: the next check reads the new parameters at once.
    const stored = api.get<CompanyParametersStore>(COMPANY_PARAMETERS_STORE);
    await stored.save(company, {
      ...DEFAULT_PARAMETERS,
      includedComponents: { ...DEFAULT_PARAMETERS.includedComponents, orders: false },
    });
    expect(await before()).toBe('0.00');
  });

  it('adds only what a delivery exceeds the residual of the order it fulfils', async () => {
    await customer('C-REF', limit('C-REF', '1000.00', 'block'), [order('C-REF', 'SO-1', '800.00')], '800.00');
    const fulfils = await check('C-REF', {
      documentType: 'delivery',
      documentId: 'DN-1',
      amount: '900.00',
      orderRefs: [{ orderId: 'SO-1', amount: '900.00' }],
    });
    expect(fulfils.body).toMatchObject({
      decision: 'WARN',
      exposureBefore: '800.00',
      incremental: '100.00',
      exposureAfter: '900.00',
      reasons: ['ATTENTION_THRESHOLD'],
    });
    // Without the reference the same delivery note would count in full.
    const standalone = await check('C-REF', {
      documentType: 'delivery',
      documentId: 'DN-2',
      amount: '900.00',
    });
    expect(standalone.body).toMatchObject({
      decision: 'HOLD',
      incremental: '900.00',
      exposureAfter: '1700.00',
    });
  });

  it('checks an unknown customer against no documents and no limit', async () => {
    const res = await check('C-NEW', { documentType: 'order', documentId: 'SO-1', amount: '99999.99' });
    expect(res.body).toMatchObject({
      decision: 'ALLOW',
      severity: 'off',
      exposureBefore: '0.00',
      exposureAfter: '99999.99',
      limit: null,
      status: { before: 'NO_LIMIT', after: 'NO_LIMIT' },
    });
  });

  it('gives the same decision asynchronously, from document.checkRequested, and holds the document', async () => {
    const topics = stack.engine.kafka.topics;
    await customer(
      'C-ASYNC',
      limit('C-ASYNC', '1000.00', 'block'),
      [order('C-ASYNC', 'SO-1', '900.00')],
      '900.00',
    );
    const request = {
      documentType: 'delivery',
      amount: '300.00',
      orderRefs: [{ orderId: 'SO-1', amount: '100.00' }],
      requestedBy: 'luca',
    };
    const sync = await check('C-ASYNC', { ...request, documentId: 'DN-SYNC' });
    expect(sync.body).toMatchObject({ decision: 'HOLD', incremental: '200.00', exposureAfter: '1100.00' });

    const input = event('C-ASYNC', 'check-1', 'document.checkRequested', {
      ...request,
      documentId: 'DN-ASYNC',
    });
    await producer.events(topics.documents, [input]);
    const held = await outcome(input.eventId);
    expect(validateOutputEvent(held)).toEqual({ ok: true });
    // The document's first hold: the id names the document and its generation, not the check.
    const holdId = documentHoldId(
      { companyId: COMPANY, customerId: 'C-ASYNC', documentType: 'delivery', documentId: 'DN-ASYNC' },
      0,
    );
    expect(held.type).toBe('document.held');
    expect(held.sequence).toBeGreaterThan(0);
    expect(held.data).toEqual({
      documentType: 'delivery',
      documentId: 'DN-ASYNC',
      amount: '300.00',
      incrementalExposure: sync.body.incremental,
      exposureBefore: sync.body.exposureBefore,
      exposureAfter: sync.body.exposureAfter,
      limit: sync.body.limit,
      reasons: sync.body.reasons,
      requestedBy: 'luca',
      holdId,
    });

    const holds = await eventually(
      () => holdsOf('C-ASYNC'),
      (rows) => rows.some((r) => r.source === 'event'),
    );
    expect(holds.find((h) => h.source === 'event')).toMatchObject({
      hold_id: holdId,
      document_type: 'delivery',
      document_id: 'DN-ASYNC',
      amount: '300.00',
      exposure_before: '900.00',
      exposure_after: '1100.00',
      limit_amount: '1000.00',
      excess: '100.00',
      reasons: ['LIMIT_EXCEEDED'],
      requested_by: 'luca',
      causation_id: input.eventId,
      status: 'pending',
    });

    // A check that only reaches the attention threshold is warned, and holds nothing.
    const small = event('C-ASYNC', 'check-2', 'document.checkRequested', {
      documentType: 'order',
      documentId: 'SO-SMALL',
      amount: '10.00',
    });
    await producer.events(topics.documents, [small]);
    const warned = await outcome(small.eventId);
    expect(validateOutputEvent(warned)).toEqual({ ok: true });
    // 910 of 1000 reaches the 80% attention threshold.
    expect(warned).toMatchObject({ type: 'document.warned', data: { reasons: ['ATTENTION_THRESHOLD'] } });
    expect(warned.sequence).toBeGreaterThan(held.sequence);
    expect((await holdsOf('C-ASYNC')).map((h) => h.document_id).sort()).toEqual(['DN-ASYNC', 'DN-SYNC']);

    // Well within the limit: document.allowed.
    await customer(
      'C-OK2',
      limit('C-OK2', '10000.00', 'block'),
      [order('C-OK2', 'SO-1', '1000.00')],
      '1000.00',
    );
    const fine = event('C-OK2', 'check-1', 'document.checkRequested', {
      documentType: 'invoice',
      documentId: 'INV-1',
      amount: '500.00',
    });
    await producer.events(topics.documents, [fine]);
    const allowed = await outcome(fine.eventId);
    expect(validateOutputEvent(allowed)).toEqual({ ok: true });
    expect(allowed).toMatchObject({
      type: 'document.allowed',
      data: { exposureBefore: '1000.00', exposureAfter: '1500.00', limit: '10000.00', reasons: [] },
    });
    expect(await holdsOf('C-OK2')).toEqual([]);
  });

  it('is open to erp-service, credit-manager and admin only, in their companies', async () => {
    const body = { documentType: 'order', documentId: 'SO-R', amount: '1.00' };
    const as = (roles: Role[], companies: string[] | '*' = [COMPANY]) =>
      check('C-ROLES', body, tokenFor(stack, roles, companies, 'someone'));
    expect((await as(['viewer'])).status).toBe(403);
    expect((await as(['approver'])).status).toBe(403);
    expect((await as(['erp-service'])).status).toBe(200);
    expect((await as(['credit-manager'])).status).toBe(200);
    expect((await as(['admin'])).status).toBe(200);
    expect((await as(['erp-service'], '*')).status).toBe(200);
    expect((await as(['erp-service'], ['DE01'])).status).toBe(403);
    expect((await as(['credit-manager'], ['DE01'])).status).toBe(403);
    expect((await check('C-ROLES', body, 'not-a-token')).status).toBe(401);
  });

  it('is documented in the OpenAPI document with examples', async () => {
    const res = await request(api.getHttpServer()).get('/docs/openapi.json').expect(200);
    const operation = res.body.paths['/v1/companies/{companyId}/customers/{customerId}/credit-checks']?.post;
    expect(operation).toBeDefined();
    expect(Object.keys(operation.responses['200'].content['application/json'].examples)).toEqual(
      expect.arrayContaining(['hold', 'warn', 'allow']),
    );
    expect(operation.requestBody).toBeDefined();
  });

  it('answers 400 naming the field for an invalid body or path', async () => {
    const valid = { documentType: 'order', documentId: 'SO-1', amount: '10.00' };
    const cases: [unknown, string][] = [
      [{ ...valid, amount: 10 }, 'amount must be a money string >= 0'],
      [{ ...valid, amount: '-1.00' }, 'amount must be a money string >= 0'],
      [{ ...valid, amount: '1.234' }, 'amount must be a money string >= 0'],
      [{ ...valid, documentType: 'quote' }, 'documentType must be one of order, delivery, invoice'],
      [{ documentType: 'order', amount: '1.00' }, 'documentId'],
      [{ ...valid, documentId: '' }, 'documentId must not be empty'],
      [{ ...valid, documentId: 'x'.repeat(129) }, 'documentId'],
      [
        { ...valid, orderRefs: [{ orderId: 'SO-0', amount: 5 }] },
        'orderRefs.0.amount must be a money string',
      ],
      [{ ...valid, orderRefs: [{ amount: '5.00' }] }, 'orderRefs.0.orderId'],
      [{ ...valid, deliveryRefs: 'DN-1' }, 'deliveryRefs must be an array'],
      [
        { ...valid, deliveryRefs: [{ deliveryId: 'DN-1', amount: '1.00', extra: 1 }] },
        'deliveryRefs.0.extra',
      ],
      [{ ...valid, requestedBy: null }, 'requestedBy'],
      [{ ...valid, unexpected: true }, 'property unexpected should not exist'],
    ];
    for (const [body, message] of cases) {
      const res = await check('C-400', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toContain(message);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|stack/i);
    }
    const badPath = await check('bad id!', valid, tokenFor(stack, ['erp-service'], '*'));
    expect(badPath.status).toBe(400);
    expect(badPath.body.message).toMatch(/customerId must match/);
    expect(await holdsOf('C-400')).toEqual([]);
  });
});
