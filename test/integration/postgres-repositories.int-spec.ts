import { randomUUID } from 'node:crypto';
import {
  ApiOutbox,
  ApprovalRolesRepository,
  CompanyParametersChangesRepository,
  CreditLimitChangesRepository,
  CustomerExposureRepository,
  HoldsRepository,
  isForeignKeyViolation,
  isUniqueViolation,
  NewHold,
  ReportsRepository,
} from '@credit/postgres';
import { testDatabase, TestDatabase } from '../support/test-database';

/**
 * The API's repositories (libs/postgres) against a real, migrated Postgres,
 * without Kafka, Redis or an app: each returns plain camelCase rows, and the
 * conditional writes the services build their rules on answer as documented.
 */
describe('Postgres repositories', () => {
  let database: TestDatabase;
  let outbox: ApiOutbox;
  const COMPANY = 'IT01';

  beforeAll(async () => {
    database = await testDatabase();
    outbox = new ApiOutbox(database.db);
  });
  afterAll(() => database.drop());

  const newHold = (documentId: string, fields: Partial<NewHold> = {}): NewHold => ({
    holdId: randomUUID(),
    companyId: COMPANY,
    customerId: 'C1',
    documentType: 'order',
    documentId,
    amount: '100.00',
    exposureBefore: '900.00',
    exposureAfter: '1000.00',
    limitAmount: '950.00',
    excess: '50.00',
    reasons: ['LIMIT_EXCEEDED'],
    requestedBy: 'erp-user',
    sentBy: 'erp-service',
    causationId: `req-${documentId}`,
    // Long ago, so that its age in minutes is positive whatever the machine's clock says.
    createdAt: new Date('2020-03-02T09:00:00Z'),
    ...fields,
  });

  describe('HoldsRepository', () => {
    let holds: HoldsRepository;
    beforeAll(() => {
      holds = new HoldsRepository(database.db, outbox);
    });

    it('stores a pending hold and reads it back as a plain row', async () => {
      const hold = newHold('O-1');
      await holds.insert(database.db.manager, hold);
      const row = await holds.find(COMPANY, hold.holdId);
      expect(row).toMatchObject({
        holdId: hold.holdId,
        customerId: 'C1',
        customerName: null,
        documentType: 'order',
        documentId: 'O-1',
        amount: '100.00',
        limitAmount: '950.00',
        excess: '50.00',
        reasons: ['LIMIT_EXCEEDED'],
        requestedBy: 'erp-user',
        sentBy: 'erp-service',
        source: 'api',
        status: 'pending',
        decidedBy: null,
        createdAt: hold.createdAt,
      });
      expect(row!.ageMinutes).toBeGreaterThan(0);
      expect(await holds.find('OTHER', hold.holdId)).toBeUndefined();
      expect(await holds.pendingOf(database.db.manager, hold)).toEqual({
        holdId: hold.holdId,
        exposureBefore: '900.00',
        exposureAfter: '1000.00',
        limitAmount: '950.00',
        excess: '50.00',
        reasons: ['LIMIT_EXCEEDED'],
      });
    });

    it('refuses a second pending hold of one document (unique violation)', async () => {
      await holds.insert(database.db.manager, newHold('O-2'));
      const error: unknown = await holds.insert(database.db.manager, newHold('O-2')).catch((e) => e);
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('decides a hold once: the second decision finds it decided', async () => {
      const hold = newHold('O-3');
      await holds.insert(database.db.manager, hold);
      const decided = await database.db.transaction(async (m) => {
        const row = await holds.decide(
          m,
          { companyId: COMPANY, holdId: hold.holdId },
          { status: 'released', decidedBy: 'anna', reason: 'paid in advance' },
        );
        await holds.recordDecision(m, {
          holdId: hold.holdId,
          companyId: COMPANY,
          decision: 'released',
          decidedBy: 'anna',
          reason: 'paid in advance',
          authority: { roles: ['area-manager'] },
          requestId: 'req-decide',
          decidedAt: row!.decidedAt!,
        });
        return row;
      });
      expect(decided).toMatchObject({
        status: 'released',
        decidedBy: 'anna',
        decisionReason: 'paid in advance',
      });
      const again = await holds.decide(
        database.db.manager,
        { companyId: COMPANY, holdId: hold.holdId },
        { status: 'rejected', decidedBy: 'bruno', reason: 'late' },
      );
      expect(again).toBeUndefined();
      expect(await holds.decisions(hold.holdId)).toEqual([
        expect.objectContaining({
          holdId: hold.holdId,
          decision: 'released',
          decidedBy: 'anna',
          authority: { roles: ['area-manager'] },
          requestId: 'req-decide',
        }),
      ]);
      expect(await holds.decidedCount(database.db.manager, hold)).toBe(1);
      expect(await holds.pendingOf(database.db.manager, hold)).toBeNull();
    });

    it('lists a company filtered, sorted and paged, with the total', async () => {
      await holds.insert(database.db.manager, newHold('L-1', { customerId: 'C9', excess: '10.00' }));
      await holds.insert(database.db.manager, newHold('L-2', { customerId: 'C9', excess: '30.00' }));
      await holds.insert(database.db.manager, newHold('L-3', { customerId: 'C9', excess: '20.00' }));
      const page = await holds.list(
        COMPANY,
        { status: 'pending', customerId: 'C9', minExcess: '15', sort: 'excess', order: 'desc' },
        { limit: 1, offset: 0 },
      );
      expect(page.total).toBe(2);
      expect(page.rows.map((r) => r.documentId)).toEqual(['L-2']);
    });

    it('queues a check outcome only for documents without a pending hold', async () => {
      const held = newHold('Q-1');
      await holds.insert(database.db.manager, held);
      const before = await outbox.backlog();
      const message = (documentId: string) => ({ topic: 'risk.blocks', key: 'IT01:C1', value: documentId });
      const found = await holds.pendingOfEachOrEnqueue([
        { document: held, message: message('Q-1') },
        { document: { ...held, documentId: 'Q-2' }, message: message('Q-2') },
      ]);
      expect(found.map((f) => f?.holdId ?? null)).toEqual([held.holdId, null]);
      expect(await outbox.backlog()).toBe(before + 1);
    });
  });

  describe('ApprovalRolesRepository', () => {
    let roles: ApprovalRolesRepository;
    beforeAll(() => {
      roles = new ApprovalRolesRepository(database.db);
    });
    const authority = { maxExcess: '1000.00', mayReleaseOverdue: false, maxLimit: '0.00' };

    it('creates a role once and changes it only when its authority changes', async () => {
      const m = database.db.manager;
      const role = { companyId: COMPANY, name: 'area-manager', actor: 'admin', ...authority };
      expect(await roles.insertIfAbsent(m, role)).toMatchObject({
        name: 'area-manager',
        maxExcess: '1000.00',
      });
      expect(await roles.insertIfAbsent(m, role)).toBeUndefined();
      expect(await roles.updateIfChanged(m, role)).toBeUndefined();
      expect(await roles.updateIfChanged(m, { ...role, maxExcess: '2000.00' })).toMatchObject({
        maxExcess: '2000.00',
      });
    });

    it('assigns members, grants their authority and removes them', async () => {
      const m = database.db.manager;
      const member = {
        companyId: COMPANY,
        roleName: 'area-manager',
        userSubject: 'anna',
        assignedBy: 'admin',
      };
      expect(await roles.insertMemberIfAbsent(m, member)).toMatchObject({ userSubject: 'anna' });
      expect(await roles.insertMemberIfAbsent(m, member)).toBeUndefined();
      expect(await roles.find(COMPANY, 'area-manager')).toMatchObject({ memberCount: 1 });
      expect(await roles.grantsOf(m, COMPANY, 'anna')).toEqual([
        { name: 'area-manager', maxExcess: '2000.00', mayReleaseOverdue: false },
      ]);
      expect((await roles.list(COMPANY, { limit: 10, offset: 0 }, 'anna')).total).toBe(1);
      expect((await roles.list(COMPANY, { limit: 10, offset: 0 }, 'bruno')).total).toBe(0);
      expect(await roles.deleteMember(m, COMPANY, 'area-manager', 'anna')).toMatchObject({
        assignedBy: 'admin',
      });
      expect(await roles.deleteMember(m, COMPANY, 'area-manager', 'anna')).toBeUndefined();
      expect(await roles.grantsOf(m, COMPANY, 'anna')).toEqual([]);
    });

    it('refuses a member of a role that does not exist (foreign key)', async () => {
      const error: unknown = await roles
        .insertMemberIfAbsent(database.db.manager, {
          companyId: COMPANY,
          roleName: 'nobody',
          userSubject: 'anna',
          assignedBy: 'admin',
        })
        .catch((e) => e);
      expect(isForeignKeyViolation(error)).toBe(true);
    });

    it('keeps the audit newest first', async () => {
      const m = database.db.manager;
      const change = { companyId: COMPANY, changedBy: 'admin', roleName: 'area-manager', userSubject: null };
      await roles.audit(m, { ...change, action: 'role.created', before: null, after: authority });
      await roles.audit(m, { ...change, action: 'role.deleted', before: authority, after: null });
      const { rows, total } = await roles.changes(COMPANY, { limit: 10, offset: 0 });
      expect(total).toBe(2);
      expect(rows.map((r) => [r.action, r.before, r.after])).toEqual([
        ['role.deleted', authority, null],
        ['role.created', null, authority],
      ]);
    });
  });

  describe('audit trails and the exposure read side', () => {
    it('answers the latest credit-limit change and the history newest first', async () => {
      const changes = new CreditLimitChangesRepository(database.db);
      const limit = {
        amount: '5000.00',
        mode: 'block' as const,
        attentionThresholdPct: 80,
        validUntil: null,
        blockOnOverdue: true,
        overdueToleranceDays: 0,
      };
      const change = (id: string, action: 'set' | 'removed', changedAt: string) => ({
        id,
        companyId: COMPANY,
        customerId: 'C1',
        action,
        before: action === 'set' ? null : limit,
        after: action === 'set' ? limit : null,
        changedBy: 'maria',
        reason: 'review',
        changedAt: new Date(changedAt),
        eventId: randomUUID(),
      });
      const first = change(randomUUID(), 'set', '2026-03-01T10:00:00Z');
      const second = change(randomUUID(), 'removed', '2026-03-02T10:00:00Z');
      await changes.insert(database.db.manager, first);
      await changes.insert(database.db.manager, second);
      expect(await changes.latest(COMPANY, 'C1')).toEqual(second);
      expect(await changes.latest(COMPANY, 'C2')).toBeUndefined();
      expect(await changes.history(COMPANY, 'C1', { limit: 10, offset: 0 })).toEqual({
        rows: [second, first],
        total: 2,
      });
    });

    it('keeps company parameter changes newest first', async () => {
      const changes = new CompanyParametersChangesRepository(database.db);
      const change = (id: string, tz: string) => ({
        id,
        companyId: COMPANY,
        before: { timeZone: 'Europe/Rome' },
        after: { timeZone: tz },
        changedBy: 'maria',
        reason: 'moved',
        changedAt: new Date('2026-03-01T10:00:00Z'),
      });
      await changes.insert(database.db.manager, change(randomUUID(), 'Europe/Madrid'));
      await changes.insert(database.db.manager, change(randomUUID(), 'Europe/Paris'));
      const { rows, total } = await changes.history<{ timeZone: string }>(COMPANY, { limit: 1, offset: 0 });
      expect(total).toBe(2);
      expect(rows.map((r) => r.after.timeZone)).toEqual(['Europe/Paris']);
    });

    it('finds no exposure for a customer the engine never projected', async () => {
      const exposures = new CustomerExposureRepository(database.db);
      expect(await exposures.find(COMPANY, 'never-seen')).toBeNull();
    });
  });

  describe('the exposure read side and reports', () => {
    /** A projected customer as the engine's projector stores it (the columns the reports read). */
    const project = (customerId: string, name: string, total: string, status: string) =>
      database.db.query(
        `INSERT INTO customer_exposure (company_id, customer_id, orders, deliveries, unposted_invoices, receivables,
           bills, total, overdue_amount, oldest_overdue_days, limit_amount, limit_mode, attention_threshold_pct,
           status, utilization_pct, blocked, block_reasons, risk_class, avg_days_late, dishonoured_bills_12m,
           business_date, state_version, as_of, customer_name)
         VALUES ('RP01', $1, $3, 0, 0, 0, 0, $3, 0, 0, 1000, 'block', 80, $4, $3::numeric / 10, false, '{}', 'A', 0, 0,
           '2026-03-02', 1, '2026-03-02T09:00:00Z', $2)`,
        [customerId, name, total, status],
      );

    beforeAll(async () => {
      await project('R1', 'Rossi Srl', '1500.00', 'EXCEEDED');
      await project('R2', 'Bianchi Spa', '500.00', 'OK');
      await project('R3', 'Verdi Snc', '2500.00', 'EXCEEDED');
    });

    it('reads a projected customer as a plain row, numeric money as strings', async () => {
      const row = await new CustomerExposureRepository(database.db).find('RP01', 'R1');
      expect(row).toMatchObject({
        companyId: 'RP01',
        customerId: 'R1',
        customerName: 'Rossi Srl',
        orders: '1500.00',
        total: '1500.00',
        limitAmount: '1000.00',
        limitMode: 'block',
        status: 'EXCEEDED',
      });
    });

    it('names the customer of a hold from the projection', async () => {
      const holds = new HoldsRepository(database.db, outbox);
      const hold = newHold('N-1', { companyId: 'RP01', customerId: 'R1' });
      await holds.insert(database.db.manager, hold);
      expect((await holds.find('RP01', hold.holdId))?.customerName).toBe('Rossi Srl');
    });

    it('filters, sorts and counts the exposure list, and sums the summary exactly', async () => {
      const reports = new ReportsRepository(database.db, database.db);
      const page = await reports.exposures(
        'RP01',
        { status: ['EXCEEDED'], sort: '-total' },
        { limit: 10, offset: 0 },
      );
      expect(page.total).toBe(2);
      expect(page.items.map((r) => [r.customerId, r.total])).toEqual([
        ['R3', '2500.00'],
        ['R1', '1500.00'],
      ]);
      expect(await reports.exposureSummary('RP01', {})).toMatchObject({
        customers: 3,
        totalExposure: '4500.00',
        exceeded: 2,
      });
      expect((await reports.exposures('RP01', { q: 'bian' }, { limit: 10, offset: 0 })).items).toEqual([
        expect.objectContaining({ customerId: 'R2' }),
      ]);
    });
  });
});
