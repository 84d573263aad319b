import request from 'supertest';
import { DataSource } from 'typeorm';
import { INestApplication } from '@nestjs/common';
import { Role } from '@credit/auth';
import { createDataSource } from '@credit/postgres';
import { seedExposureRow, seedPendingHold } from '../support/collection-cases';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { startApi, tokenFor } from '../support/running-apps';

const CO = 'IT01';

/**
 * Collection actions, the case history and the worklist through the API on
 * Postgres and the outbox. Cases are seeded in customer_exposure as the
 * engine's projector writes them (the engine's own tests drive it).
 */
describe('collections API: actions, case history, worklist', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let db: DataSource;
  const token = (roles: Role[], sub = 'anna') => tokenFor(stack, roles, [CO], sub);
  const server = () => api.getHttpServer();
  const post = (customerId: string, body: object, roles: Role[] = ['approver']) =>
    request(server())
      .post(`/v1/companies/${CO}/customers/${encodeURIComponent(customerId)}/collection-actions`)
      .set('Authorization', `Bearer ${token(roles)}`)
      .send(body);
  const history = (customerId: string) =>
    request(server())
      .get(`/v1/companies/${CO}/customers/${encodeURIComponent(customerId)}/collection-actions`)
      .set('Authorization', `Bearer ${token(['viewer'])}`);
  const worklist = (query: string) =>
    request(server())
      .get(`/v1/companies/${CO}/worklist${query}`)
      .set('Authorization', `Bearer ${token(['viewer'])}`);
  const queued = async (eventId: string) => {
    const rows: { topic: string; key: string; value: string }[] = await db.query(
      `SELECT topic, key, value FROM api_outbox WHERE value::jsonb ->> 'eventId' = $1`,
      [eventId],
    );
    return rows.map((r) => ({ ...r, value: JSON.parse(r.value) }));
  };

  beforeAll(async () => {
    stack = await isolatedStack();
    api = await startApi(stack);
    db = createDataSource(stack.api.postgres, 2);
    await db.initialize();
    await seedExposureRow(db, CO, {
      customerId: 'C/1',
      name: 'Rossi S.p.A.',
      level: 2,
      action: 'formal-notice',
      levelReachedOn: '2026-03-22',
      overdueAmount: '300.00',
      oldestDueDate: '2026-03-01',
      assignee: 'anna',
    });
    await seedExposureRow(db, CO, {
      customerId: 'C2',
      level: 3,
      action: 'out-of-court',
      levelReachedOn: '2026-03-20',
      overdueAmount: '5000.00',
      oldestDueDate: '2026-02-01',
      assignee: 'bruno',
    });
    await seedExposureRow(db, CO, { customerId: 'C-NOCASE', caseId: null, stage: null });
    await seedPendingHold(db, CO, 'C-NOCASE', '80.00');
  });

  afterAll(async () => {
    await db?.destroy();
    await api?.close();
    await stack?.cleanup();
  });

  it('records a promise, audits it, queues collectionAction.recorded and shows it in the case history', async () => {
    const res = await post('C/1', {
      type: 'promise',
      text: 'Will pay by 10 April',
      promise: { amount: '300.5', date: '2099-04-10' },
    }).expect(201);
    expect(res.body).toMatchObject({
      customerId: 'C/1',
      caseId: 'case-C/1',
      type: 'promise',
      text: 'Will pay by 10 April',
      promise: { amount: '300.50', date: '2099-04-10' },
      recordedBy: 'anna',
    });
    expect(res.body.eventId).toBe(res.body.actionId);
    const [message] = await queued(res.body.eventId);
    expect(message).toMatchObject({
      topic: stack.api.kafka.topics.creditLimits,
      key: `${CO}:C/1`,
      value: {
        type: 'collectionAction.recorded',
        companyId: CO,
        customerId: 'C/1',
        data: {
          actionId: res.body.actionId,
          actionType: 'promise',
          text: 'Will pay by 10 April',
          recordedBy: 'anna',
          promise: { amount: '300.5', date: '2099-04-10' },
        },
      },
    });
    await post('C/1', { type: 'note', text: 'Accountant on holiday until Monday' }).expect(201);
    const page = (await history('C/1').expect(200)).body;
    expect(page.case).toMatchObject({
      caseId: 'case-C/1',
      stage: 'dunning',
      level: 2,
      overdueAmount: '300.00',
    });
    expect(page.items.map((i: { type: string }) => i.type)).toEqual(['note', 'promise']);
    expect(page.total).toBe(2);
  });

  it('answers 400 naming the field for a malformed action', async () => {
    const cases: [object, string][] = [
      [{ type: 'promise', text: 'x' }, 'promise is required when type is promise'],
      [{ type: 'call', text: 'x', stage: 'legal' }, 'stage is allowed only when type is stage'],
      [{ type: 'promise', text: 'x', promise: { amount: '0', date: '2099-01-01' } }, 'promise.amount'],
      [{ type: 'promise', text: 'x', promise: { amount: '10', date: '2099-02-30' } }, 'promise.date'],
      [
        { type: 'promise', text: 'x', promise: { amount: '10', date: '2000-01-01' } },
        'promise.date must not be before',
      ],
      [{ type: 'call', text: '   ' }, 'text must not be empty or blank'],
      [{ type: 'call', text: 'x'.repeat(2001) }, 'text must be at most 2000'],
      [{ type: 'visit', text: 'x' }, 'type must be one of'],
      [{ type: 'assign', text: 'x' }, 'assignee is required when type is assign'],
    ];
    for (const [body, message] of cases) {
      const res = await post('C/1', body).expect(400);
      expect(JSON.stringify(res.body)).toContain(message);
    }
  });

  it('refuses a stage change or a promise without a case, and a stage the case cannot take (409)', async () => {
    const none = await post('C-NOCASE', { type: 'stage', stage: 'legal', text: 'to the lawyers' }).expect(
      409,
    );
    expect(none.body.message).toContain('has no open collection case');
    await post('C-NOCASE', {
      type: 'promise',
      text: 'x',
      promise: { amount: '1', date: '2099-01-01' },
    }).expect(409);
    await post('C-NOCASE', { type: 'call', text: 'Called about the held order' }).expect(201);
    await seedExposureRow(db, CO, {
      customerId: 'C-LEGAL',
      stage: 'legal',
      overdueAmount: '10.00',
      oldestDueDate: '2026-01-01',
    });
    await post('C-LEGAL', { type: 'stage', stage: 'legal', text: 'again' }).expect(409);
    await post('C-LEGAL', { type: 'stage', stage: 'written-off', text: 'Insolvent' }).expect(201);
    // Nothing was queued for the refused requests.
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM api_outbox WHERE value::jsonb ->> 'customerId' IN ('C-NOCASE', 'C-LEGAL')`,
    );
    expect(n).toBe(2);
  });

  it('lets approvers record and viewers read, not the other way round', async () => {
    await post('C/1', { type: 'call', text: 'x' }, ['viewer']).expect(403);
    await post('C/1', { type: 'call', text: 'x' }, ['erp-service']).expect(403);
    await post('C/1', { type: 'call', text: 'x' }, ['credit-manager']).expect(201);
  });

  it('serves the worklist ranked by amount x days overdue, filtered by assignee', async () => {
    // No engine runs here: the worklist reads the projection as seeded (the actions above are not folded).
    const res = await worklist('?date=2026-03-31').expect(200);
    expect(res.body.date).toBe('2026-03-31');
    expect(
      res.body.items.map(
        (i: Record<string, unknown>) =>
          `${i.kind} ${i.customerId} ${i.amountAtStake}x${i.daysOverdue} ${i.suggestedAction}`,
      ),
    ).toEqual([
      'level-reached C2 5000.00x58 out-of-court',
      'level-reached C/1 300.00x30 formal-notice',
      'legal C-LEGAL 10.00x89 follow-legal',
      'hold-waiting C-NOCASE 80.00x0 decide-hold',
    ]);
    expect(res.body.items[0]).toMatchObject({
      caseId: 'case-C2',
      assignee: 'bruno',
      level: 3,
      reason: 'dunning level 3 (out-of-court) reached on 2026-03-20',
    });
    const mine = await worklist('?date=2026-03-31&assignee=bruno').expect(200);
    expect(mine.body.items.map((i: { customerId: string }) => i.customerId)).toEqual(['C2']);
    const bad = await worklist('?date=2026-13-01').expect(400);
    expect(JSON.stringify(bad.body)).toContain('date must be a real date');
    expect((await worklist('').expect(200)).body.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  describe('dunning policy', () => {
    const policy = (method: 'get' | 'put', roles: Role[] = ['credit-manager']) =>
      request(server())
        [method](`/v1/companies/${CO}/dunning-policy`)
        .set('Authorization', `Bearer ${token(roles, 'maria')}`);
    const LEVELS = [
      { level: 1, daysOverdue: 10, action: 'reminder' },
      { level: 2, daysOverdue: 30, action: 'out-of-court' },
    ];

    it('starts from the default, is replaced whole by a credit manager, audited and kept by other changes', async () => {
      expect((await policy('get', ['viewer']).expect(200)).body).toEqual({
        companyId: CO,
        customised: false,
        policy: {
          levels: [
            { level: 1, daysOverdue: 7, action: 'reminder' },
            { level: 2, daysOverdue: 21, action: 'formal-notice' },
            { level: 3, daysOverdue: 45, action: 'out-of-court' },
          ],
          minAmount: '50.00',
        },
      });
      const res = await policy('put')
        .send({ levels: LEVELS, minAmount: '120.5', reason: 'Smaller customers first' })
        .expect(200);
      expect(res.body).toMatchObject({
        policy: { levels: LEVELS, minAmount: '120.50' },
        before: { minAmount: '50.00' },
      });
      // Another parameter changed through the parameters route keeps the policy.
      await request(server())
        .put(`/v1/companies/${CO}/parameters`)
        .set('Authorization', `Bearer ${token(['credit-manager'], 'maria')}`)
        .send({ billRiskDays: 20, reason: 'Bills settle later' })
        .expect(200);
      expect((await policy('get', ['viewer']).expect(200)).body).toMatchObject({
        customised: true,
        policy: { levels: LEVELS, minAmount: '120.50' },
      });
      const history = await request(server())
        .get(`/v1/companies/${CO}/parameters/history`)
        .set('Authorization', `Bearer ${token(['viewer'])}`)
        .expect(200);
      expect(history.body.items[1]).toMatchObject({
        changedBy: 'maria',
        reason: 'Smaller customers first',
        after: { dunning: { minAmount: '120.50' } },
      });
    });

    it('answers 400 naming the field, and 403 to an approver', async () => {
      const cases: [object, string][] = [
        [{ levels: [], minAmount: '1', reason: 'x' }, 'levels must be an array of 1 to 9 levels'],
        [{ levels: [{ ...LEVELS[0], level: 2 }], minAmount: '1', reason: 'x' }, 'levels[0].level must be 1'],
        [
          { levels: [LEVELS[0], { ...LEVELS[1], daysOverdue: 10 }], minAmount: '1', reason: 'x' },
          'levels[1].daysOverdue must be > levels[0].daysOverdue (10 <= 10)',
        ],
        [
          { levels: [{ ...LEVELS[0], action: 'lawsuit' }], minAmount: '1', reason: 'x' },
          'action must be one of',
        ],
        [{ levels: LEVELS, minAmount: '-1', reason: 'x' }, 'minAmount must be a money string >= 0'],
        [{ levels: LEVELS, minAmount: '1' }, 'reason'],
      ];
      for (const [body, message] of cases) {
        const res = await policy('put').send(body).expect(400);
        expect(JSON.stringify(res.body)).toContain(message);
      }
      await policy('put', ['approver']).send({ levels: LEVELS, minAmount: '1', reason: 'x' }).expect(403);
    });
  });
});
