import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ApiOutbox,
  CollectionsRepository,
  createDataSource,
  runMigrations,
  WorklistRow,
} from '@credit/postgres';
import { seedExposureRow, seedPendingHold } from '../support/collection-cases';

/**
 * The collections repository against a real Postgres (no Kafka, no engine):
 * the projection rows are seeded as the engine's projector writes them.
 */
describe('CollectionsRepository (Postgres)', () => {
  const settings = {
    url: `postgres://postgres@127.0.0.1:5432/ce_test_coll_${randomBytes(4).toString('hex')}`,
  };
  let db: DataSource;
  let repository: CollectionsRepository;
  const CO = 'IT01';
  const DATE = '2026-03-31';

  beforeAll(async () => {
    await runMigrations(settings);
    db = createDataSource(settings, 2);
    await db.initialize();
    repository = new CollectionsRepository(new ApiOutbox(db));
  });

  afterAll(async () => {
    await db?.destroy();
    const admin = new DataSource({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(settings.url).pathname.slice(1)}" WITH (FORCE)`);
    await admin.destroy();
  });

  beforeEach(async () => {
    await db.query('TRUNCATE customer_exposure, hold, collection_action CASCADE');
  });

  const worklist = (
    query: Partial<{ date: string; assignee: string | null; limit: number; offset: number }> = {},
  ) => repository.worklist(db.manager, CO, { date: DATE, assignee: null, limit: 50, offset: 0, ...query });
  const summary = (rows: WorklistRow[]) =>
    rows.map((r) => `${r.kind} ${r.customer_id} ${r.amount}x${r.days_overdue}`);

  it('lists every kind of intervention, ranked by amount x days overdue, then customer id', async () => {
    // 1000.00 x 45 days = 45000: a level 3 reached.
    await seedExposureRow(db, CO, {
      customerId: 'C-L3',
      level: 3,
      action: 'out-of-court',
      levelReachedOn: '2026-03-31',
      overdueAmount: '1000.00',
      oldestDueDate: '2026-02-14',
      oldestOverdueDays: 45,
    });
    // 600.00 x 100 days = 60000: legal.
    await seedExposureRow(db, CO, {
      customerId: 'C-LEGAL',
      stage: 'legal',
      level: 3,
      action: 'out-of-court',
      levelReachedOn: '2026-01-05',
      overdueAmount: '600.00',
      oldestDueDate: '2025-12-21',
    });
    // 300.00 x 30 = 9000: a promise broken the day after its date.
    await seedExposureRow(db, CO, {
      customerId: 'C-BROKEN',
      level: 2,
      action: 'formal-notice',
      levelReachedOn: '2026-03-22',
      overdueAmount: '300.00',
      oldestDueDate: '2026-03-01',
      promiseStatus: 'broken',
      promiseAmount: '300.00',
      promiseDate: '2026-03-29',
      promiseBrokenOn: '2026-03-30',
    });
    // 450.00 x 20 = 9000 too: same product, customer id breaks the tie (C-BROKEN < C-DUE).
    await seedExposureRow(db, CO, {
      customerId: 'C-DUE',
      level: 1,
      action: 'reminder',
      levelReachedOn: '2026-03-18',
      overdueAmount: '450.00',
      oldestDueDate: '2026-03-11',
      promiseStatus: 'pending',
      promiseAmount: '450.00',
      promiseDate: '2026-03-31',
    });
    // Waiting for a promise due tomorrow: nothing to do today.
    await seedExposureRow(db, CO, {
      customerId: 'C-WAIT',
      level: 1,
      action: 'reminder',
      levelReachedOn: '2026-03-18',
      overdueAmount: '9999.00',
      oldestDueDate: '2026-03-11',
      promiseStatus: 'pending',
      promiseAmount: '100.00',
      promiseDate: '2026-04-01',
    });
    // Written off: out of the worklist.
    await seedExposureRow(db, CO, {
      customerId: 'C-OFF',
      stage: 'written-off',
      level: 3,
      overdueAmount: '9999.00',
      oldestDueDate: '2025-01-01',
    });
    // A review due (exposure 2000.00, 3 days overdue = 6000) and a held order of 50.00 of the same customer.
    await seedExposureRow(db, CO, {
      customerId: 'C-REV',
      total: '2000.00',
      oldestOverdueDays: 3,
      caseId: null,
      stage: null,
      reviewDueOn: '2026-03-30',
    });
    const holdId = await seedPendingHold(db, CO, 'C-REV', '50.00');
    // A review due tomorrow, and another company's case: not listed.
    await seedExposureRow(db, CO, {
      customerId: 'C-LATER',
      caseId: null,
      stage: null,
      reviewDueOn: '2026-04-01',
    });
    await seedExposureRow(db, 'DE01', {
      customerId: 'C-L3',
      level: 3,
      levelReachedOn: '2026-03-01',
      overdueAmount: '1.00',
      oldestDueDate: '2026-01-01',
    });

    const { rows, total } = await worklist();
    expect(summary(rows)).toEqual([
      'legal C-LEGAL 600.00x100',
      'level-reached C-L3 1000.00x45',
      'promise-broken C-BROKEN 300.00x30',
      'promise-due C-DUE 450.00x20',
      'review-due C-REV 2000.00x3',
      'hold-waiting C-REV 50.00x3',
    ]);
    expect(total).toBe(6);
    expect(rows[1]).toMatchObject({
      case_id: 'case-C-L3',
      dunning_level: 3,
      dunning_action: 'out-of-court',
      level_reached_on: '2026-03-31',
      customer_name: 'Customer C-L3',
    });
    expect(rows[2]).toMatchObject({
      promise_amount: '300.00',
      promise_date: '2026-03-29',
      promise_broken_on: '2026-03-30',
    });
    expect(rows[4]).toMatchObject({ review_due_on: '2026-03-30', hold_id: null });
    expect(rows[5]).toMatchObject({ hold_id: holdId, document_type: 'order', document_id: 'ORD-C-REV' });
  });

  it('counts days overdue to the date asked for, and leaves out what has not happened by then', async () => {
    await seedExposureRow(db, CO, {
      customerId: 'C1',
      level: 1,
      action: 'reminder',
      levelReachedOn: '2026-03-08',
      overdueAmount: '100.00',
      oldestDueDate: '2026-03-01',
    });
    expect(summary((await worklist({ date: '2026-03-10' })).rows)).toEqual(['level-reached C1 100.00x9']);
    expect(summary((await worklist({ date: '2026-03-07' })).rows)).toEqual([]);
  });

  it('filters by assignee and pages with the total', async () => {
    for (const [n, assignee] of ['anna', 'bruno', 'anna', null].entries()) {
      await seedExposureRow(db, CO, {
        customerId: `C${n}`,
        level: 1,
        action: 'reminder',
        levelReachedOn: '2026-03-08',
        overdueAmount: `${(n + 1) * 100}.00`,
        oldestDueDate: '2026-03-01',
        assignee,
      });
    }
    expect((await worklist({ assignee: 'anna' })).rows.map((r) => r.customer_id)).toEqual(['C2', 'C0']);
    const page = await worklist({ limit: 2, offset: 1 });
    expect(page.rows.map((r) => r.customer_id)).toEqual(['C2', 'C1']);
    expect(page.total).toBe(4);
  });

  it('records actions and lists them newest first, with the projected case', async () => {
    await seedExposureRow(db, CO, {
      customerId: 'C1',
      level: 2,
      action: 'formal-notice',
      levelReachedOn: '2026-03-22',
      overdueAmount: '300.00',
      oldestDueDate: '2026-03-01',
      assignee: 'anna',
    });
    const kase = await repository.findCase(db.manager, CO, 'C1');
    expect(kase).toMatchObject({
      case_id: 'case-C1',
      stage: 'dunning',
      dunning_level: 2,
      overdue_amount: '300.00',
      assignee: 'anna',
    });
    expect(await repository.findCase(db.manager, CO, 'C-NONE')).toBeUndefined();
    const base = {
      company_id: CO,
      customer_id: 'C1',
      case_id: 'case-C1',
      promise_amount: null,
      promise_date: null,
      stage: null,
      assignee: null,
      recorded_by: 'anna',
    } as const;
    const call = randomUUID();
    const promise = randomUUID();
    await db.transaction(async (tx) => {
      await repository.insertAction(tx, {
        ...base,
        action_id: call,
        action_type: 'call',
        text: 'Called',
        recorded_at: new Date('2026-03-31T08:00:00Z'),
      });
      await repository.insertAction(tx, {
        ...base,
        action_id: promise,
        action_type: 'promise',
        text: 'Will pay',
        promise_amount: '300.5',
        promise_date: '2026-04-10',
        recorded_at: new Date('2026-03-31T08:05:00Z'),
      });
    });
    const { rows, total } = await repository.listActions(db.manager, CO, 'C1', 50, 0);
    expect(total).toBe(2);
    expect(rows.map((r) => [r.action_id, r.action_type, r.promise_amount, r.promise_date])).toEqual([
      [promise, 'promise', '300.50', '2026-04-10'],
      [call, 'call', null, null],
    ]);
    // A promise without its amount is refused by the table itself.
    await expect(
      repository.insertAction(db.manager, {
        ...base,
        action_id: randomUUID(),
        action_type: 'promise',
        text: 'x',
        recorded_at: new Date(),
      }),
    ).rejects.toThrow(/check constraint/);
  });
});
