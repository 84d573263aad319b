import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { INestApplication } from '@nestjs/common';
import { Role } from '@credit/auth';
import { validateOutputEvent } from '@credit/contracts';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, TestProducer, TopicRecorder } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const CO = 'IT01';

interface HoldSeed {
  customerId?: string;
  documentType?: 'order' | 'delivery' | 'invoice';
  documentId?: string;
  amount?: string;
  exposureBefore?: string;
  exposureAfter?: string;
  limit?: string | null;
  excess?: string;
  reasons?: string[];
  requestedBy?: string | null;
  status?: 'pending' | 'released' | 'rejected';
  companyId?: string;
  ageMinutes?: number;
}

/**
 * Holds and their release by exception (evasione in deroga), approval roles and
 * their administration, on the real stack: the API on Postgres and Kafka. Holds
 * are seeded with SQL in the shared `hold` table, as a credit check would leave them.
 */
describe('holds: release by exception, rejection and approval roles', () => {
  let stack: IsolatedStack;
  let api: INestApplication;
  let db: DataSource;
  let recorder: TopicRecorder;
  let blocksTopic: string;

  const token = (sub: string, roles: Role[], companies: string[] | '*' = [CO]) =>
    tokenFor(stack, roles, companies, sub);
  let admin: string;
  let viewer: string;
  let creditManager: string;
  let maria: string; // approver, role senior (5000.00)
  let junior: string; // approver, role junior (100.00)
  let paolo: string; // approver, roles junior + overdue-desk
  let luca: string; // approver, role cfo (unlimited, overdue): the requester of the seeded documents
  let nobody: string; // approver without approval roles

  const server = () => api.getHttpServer();
  const auth = (req: request.Test, bearer: string) => req.set('Authorization', `Bearer ${bearer}`);
  const decide = (
    action: 'release' | 'reject',
    holdId: string,
    bearer: string,
    body: object = { reason: 'ok by credit control' },
    company = CO,
  ) => auth(request(server()).post(`/v1/companies/${company}/holds/${holdId}/${action}`), bearer).send(body);
  const getHold = (holdId: string, bearer = viewer, company = CO) =>
    auth(request(server()).get(`/v1/companies/${company}/holds/${holdId}`), bearer);
  const listHolds = (query: string, bearer = viewer) =>
    auth(request(server()).get(`/v1/companies/${CO}/holds${query}`), bearer);
  const putRole = (name: string, body: object, bearer = admin, company = CO) =>
    auth(request(server()).put(`/v1/companies/${company}/approval-roles/${name}`), bearer).send(body);
  const putMember = (name: string, subject: string, bearer = admin) =>
    auth(
      request(server()).put(
        `/v1/companies/${CO}/approval-roles/${name}/members/${encodeURIComponent(subject)}`,
      ),
      bearer,
    );

  let seq = 0;
  async function seedHold(seed: HoldSeed = {}): Promise<string> {
    const holdId = randomUUID();
    seq += 1;
    await db.query(
      `INSERT INTO hold (hold_id, company_id, customer_id, document_type, document_id, amount, exposure_before,
         exposure_after, limit_amount, excess, reasons, requested_by, source, causation_id, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'api', $13, $14,
         now() - make_interval(mins => $15::int))`,
      [
        holdId,
        seed.companyId ?? CO,
        seed.customerId ?? 'C-REL',
        seed.documentType ?? 'order',
        seed.documentId ?? `SO-${seq}`,
        seed.amount ?? '1800.00',
        seed.exposureBefore ?? '4200.00',
        seed.exposureAfter ?? '6000.00',
        seed.limit === undefined ? '5000.00' : seed.limit,
        seed.excess ?? '1000.00',
        seed.reasons ?? ['LIMIT_EXCEEDED'],
        seed.requestedBy === undefined ? 'luca' : seed.requestedBy,
        `check-${seq}`,
        seed.status ?? 'pending',
        seed.ageMinutes ?? 0,
      ],
    );
    return holdId;
  }

  const holdRow = async (holdId: string) =>
    (
      await db.query(`SELECT status, decided_by, decision_reason, decided_at FROM hold WHERE hold_id = $1`, [
        holdId,
      ])
    )[0];
  const decisionRows = (holdId: string) =>
    db.query(`SELECT * FROM hold_decision WHERE hold_id = $1 ORDER BY decision_id`, [holdId]);
  const eventsFor = (holdId: string) =>
    recorder.json(blocksTopic).filter((e) => (e.data as { holdId?: string }).holdId === holdId);

  beforeAll(async () => {
    stack = await isolatedStack();
    blocksTopic = stack.api.kafka.topics.blocks;
    recorder = new TopicRecorder(stack.kafka, [blocksTopic], `rec-${stack.id}`);
    await recorder.start();
    api = await startApi(stack);
    db = new DataSource({ type: 'postgres', url: stack.api.postgres.url });
    await db.initialize();

    admin = token('admin-anna', ['admin']);
    viewer = token('vera', ['viewer']);
    creditManager = token('cm-carlo', ['credit-manager']);
    maria = token('maria', ['approver']);
    junior = token('gianni', ['approver']);
    paolo = token('paolo', ['approver']);
    luca = token('luca', ['approver']);
    nobody = token('nessuno', ['approver']);

    // approval roles and their members, through the admin routes
    await putRole('senior', { maxExcess: '5000.00', mayReleaseOverdue: false }).expect(201);
    await putRole('junior', { maxExcess: '100.00', mayReleaseOverdue: false }).expect(201);
    await putRole('overdue-desk', { maxExcess: '0.00', mayReleaseOverdue: true }).expect(201);
    await putRole('cfo', { maxExcess: null, mayReleaseOverdue: true }).expect(201);
    await putMember('senior', 'maria').expect(201);
    await putMember('junior', 'gianni').expect(201);
    await putMember('junior', 'paolo').expect(201);
    await putMember('overdue-desk', 'paolo').expect(201);
    await putMember('cfo', 'luca').expect(201);
  });

  afterAll(async () => {
    await recorder?.stop();
    await api?.close();
    if (db?.isInitialized) await db.destroy();
    await stack?.cleanup();
  });

  describe('release', () => {
    it('lets an approver with enough authority release a hold: 200, audit row, hold released, document.released published', async () => {
      const holdId = await seedHold({ customerId: 'C-REL', documentId: 'SO-REL-1', excess: '1000.00' });
      const requestId = `req-${holdId}`;
      const res = await decide('release', holdId, maria, { reason: 'Customer paid by bank transfer today' })
        .set('X-Request-Id', requestId)
        .expect(200);
      expect(res.body).toMatchObject({
        holdId,
        companyId: CO,
        customerId: 'C-REL',
        documentType: 'order',
        documentId: 'SO-REL-1',
        amount: '1800.00',
        exposureBefore: '4200.00',
        exposureAfter: '6000.00',
        incrementalExposure: '1800.00',
        limit: '5000.00',
        excess: '1000.00',
        reasons: ['LIMIT_EXCEEDED'],
        requestedBy: 'luca',
        status: 'released',
        decidedBy: 'maria',
        decisionReason: 'Customer paid by bank transfer today',
      });
      expect(res.body.decisions).toHaveLength(1);
      expect(res.body.decisions[0]).toMatchObject({
        decision: 'released',
        decidedBy: 'maria',
        reason: 'Customer paid by bank transfer today',
        requestId,
        authority: {
          roles: [{ name: 'senior', maxExcess: '5000.00', mayReleaseOverdue: false }],
          effective: { maxExcess: '5000.00', mayReleaseOverdue: false },
          required: { excess: '1000.00', overdue: false },
        },
      });

      const row = await holdRow(holdId);
      expect(row).toMatchObject({
        status: 'released',
        decided_by: 'maria',
        decision_reason: 'Customer paid by bank transfer today',
      });
      expect(row.decided_at).toBeInstanceOf(Date);
      const audit = await decisionRows(holdId);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        hold_id: holdId,
        company_id: CO,
        decision: 'released',
        decided_by: 'maria',
        reason: 'Customer paid by bank transfer today',
        request_id: requestId,
        authority: { roles: [{ name: 'senior', maxExcess: '5000.00', mayReleaseOverdue: false }] },
      });

      const [event] = await eventually(
        () => eventsFor(holdId),
        (list) => list.length >= 1,
      );
      expect(validateOutputEvent(event)).toEqual({ ok: true });
      expect(event).toMatchObject({
        type: 'document.released',
        schemaVersion: 1,
        companyId: CO,
        customerId: 'C-REL',
        causationId: requestId,
        sequence: 0,
        data: {
          documentType: 'order',
          documentId: 'SO-REL-1',
          amount: '1800.00',
          exposureBefore: '4200.00',
          exposureAfter: '6000.00',
          incrementalExposure: '1800.00',
          limit: '5000.00',
          reasons: ['LIMIT_EXCEEDED'],
          requestedBy: 'luca',
          holdId,
          decidedBy: 'maria',
          reason: 'Customer paid by bank transfer today',
        },
      });
      const message = recorder.received.get(blocksTopic)!.find((m) => m.value.toString().includes(holdId))!;
      expect(message.key).toBe(`${CO}:C-REL`);

      // GET shows the decision history
      const detail = await getHold(holdId).expect(200);
      expect(detail.body.status).toBe('released');
      expect(detail.body.decisions.map((d: { decision: string }) => d.decision)).toEqual(['released']);
    });

    it('allows an excess exactly equal to the max excess', async () => {
      const holdId = await seedHold({ excess: '5000.00', exposureAfter: '10000.00' });
      await decide('release', holdId, maria).expect(200);
      expect((await holdRow(holdId)).status).toBe('released');
    });

    it('refuses an approver without enough authority (403 naming what is missing); the hold stays pending, nothing is published', async () => {
      const holdId = await seedHold({ excess: '100.01' });
      const res = await decide('release', holdId, junior).expect(403);
      expect(res.body.message).toMatch(/exceeds the limit by 100\.01/);
      expect(res.body.message).toMatch(/at most 100\.00/);
      expect(res.body.missing).toEqual(['MAX_EXCESS']);
      expect((await holdRow(holdId)).status).toBe('pending');
      expect(await decisionRows(holdId)).toEqual([]);
      // the same user can release within its authority
      const small = await seedHold({ excess: '100.00' });
      await decide('release', small, junior).expect(200);
      await eventually(
        () => eventsFor(small),
        (list) => list.length === 1,
      );
      expect(eventsFor(holdId)).toEqual([]);
    });

    it('forbids the requester to decide its own document, even with unlimited authority', async () => {
      const holdId = await seedHold({ requestedBy: 'luca', excess: '10.00' });
      const release = await decide('release', holdId, luca).expect(403);
      expect(release.body.message).toMatch(/requester may not decide its own document/);
      await decide('reject', holdId, luca).expect(403);
      expect((await holdRow(holdId)).status).toBe('pending');
      // another approver may: luca's unlimited authority works on someone else's document
      const other = await seedHold({ requestedBy: 'erp-batch', excess: '999999.00', reasons: ['OVERDUE'] });
      await decide('release', other, luca).expect(200);
    });

    it('decides a hold once: a second decision gets 409', async () => {
      const holdId = await seedHold({ excess: '10.00' });
      await decide('release', holdId, maria).expect(200);
      const again = await decide('release', holdId, maria).expect(409);
      expect(again.body.message).toMatch(/already released by maria/);
      expect(again.body).toMatchObject({ status: 409, holdStatus: 'released' });
      await decide('reject', holdId, junior).expect(409);
      expect(await decisionRows(holdId)).toHaveLength(1);
    });

    it('lets exactly one of several concurrent decisions win', async () => {
      const holdId = await seedHold({ excess: '10.00' });
      const results = await Promise.all([
        decide('release', holdId, maria),
        decide('release', holdId, paolo),
        decide('reject', holdId, junior),
        decide('release', holdId, maria),
        decide('reject', holdId, paolo),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409, 409]);
      expect(await decisionRows(holdId)).toHaveLength(1);
      const winner = results.find((r) => r.status === 200)!;
      expect((await holdRow(holdId)).status).toBe(winner.body.status);
      await eventually(
        () => eventsFor(holdId),
        (list) => list.length >= 1,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(eventsFor(holdId)).toHaveLength(1);
    });

    it('needs may_release_overdue for a hold with OVERDUE; roles combine (amount of one, overdue permission of another)', async () => {
      const holdId = await seedHold({ excess: '50.00', reasons: ['LIMIT_EXCEEDED', 'OVERDUE'] });
      const denied = await decide('release', holdId, maria).expect(403);
      expect(denied.body.missing).toEqual(['OVERDUE_PERMISSION']);
      expect(denied.body.message).toMatch(/overdue/);
      await decide('release', holdId, junior).expect(403);
      // paolo: junior (100.00) + overdue-desk (overdue permission)
      const res = await decide('release', holdId, paolo).expect(200);
      expect(res.body.decisions[0].authority).toMatchObject({
        roles: [
          { name: 'junior', maxExcess: '100.00', mayReleaseOverdue: false },
          { name: 'overdue-desk', maxExcess: '0.00', mayReleaseOverdue: true },
        ],
        effective: { maxExcess: '100.00', mayReleaseOverdue: true },
        required: { excess: '50.00', overdue: true },
      });
      // but not beyond the largest amount of its roles
      const bigger = await seedHold({ excess: '100.01', reasons: ['OVERDUE'] });
      const both = await decide('release', bigger, paolo).expect(403);
      expect(both.body.missing).toEqual(['MAX_EXCESS']);
    });

    it('forbids a viewer, an approver without approval roles, and a credit-manager without approval roles', async () => {
      const holdId = await seedHold({ excess: '0.00' });
      const asViewer = await decide('release', holdId, viewer).expect(403);
      expect(asViewer.body.message).toBe('requires role approver');
      const asNobody = await decide('release', holdId, nobody).expect(403);
      expect(asNobody.body).toMatchObject({
        message: `you hold no approval role in company ${CO}`,
        missing: ['APPROVAL_ROLE'],
      });
      await decide('reject', holdId, nobody).expect(403);
      await decide('release', holdId, creditManager).expect(403);
      await decide('reject', holdId, viewer).expect(403);
      expect((await holdRow(holdId)).status).toBe('pending');
    });

    it('forbids another company (403) and hides holds of another company behind 404', async () => {
      const holdId = await seedHold({ excess: '10.00' });
      const foreign = token('maria', ['approver'], ['DE01']);
      await decide('release', holdId, foreign).expect(403);
      await getHold(holdId, foreign).expect(403);
      // with access to DE01 too, the IT01 hold does not exist under DE01
      const everywhere = token('maria', ['approver'], '*');
      const res = await decide('release', holdId, everywhere, { reason: 'x' }, 'DE01').expect(404);
      expect(res.body.message).toBe(`hold ${holdId} does not exist in company DE01`);
      await getHold(holdId, everywhere, 'DE01').expect(404);
      expect((await holdRow(holdId)).status).toBe('pending');
    });

    it('answers 404 for an unknown hold and 400 for a malformed hold id', async () => {
      const unknown = randomUUID();
      const res = await decide('release', unknown, maria).expect(404);
      expect(res.body.message).toBe(`hold ${unknown} does not exist in company ${CO}`);
      await decide('reject', unknown, maria).expect(404);
      await getHold(unknown).expect(404);
      const malformed = await getHold('not-a-uuid').expect(400);
      expect(malformed.body.message).toMatch(/^holdId must match/);
      await decide('release', 'not-a-uuid', maria).expect(400);
    });

    it('answers 400 naming reason for a missing, blank, too long or non-string reason, and for unknown fields', async () => {
      const holdId = await seedHold({ excess: '10.00' });
      const missing = await decide('release', holdId, maria, {}).expect(400);
      expect(missing.body.message).toMatch(/\breason\b/);
      expect(missing.body.errors.every((e: string) => e.startsWith('reason'))).toBe(true);
      const blank = await decide('release', holdId, maria, { reason: '   ' }).expect(400);
      expect(blank.body.message).toBe('reason must not be blank');
      const long = await decide('reject', holdId, maria, { reason: 'x'.repeat(1001) }).expect(400);
      expect(long.body.message).toBe('reason must be 1 to 1000 characters long');
      await decide('release', holdId, maria, { reason: 'x'.repeat(1000) }).expect(200);
      const other = await seedHold({ excess: '10.00' });
      const notString = await decide('release', other, maria, { reason: 42 }).expect(400);
      expect(notString.body.errors).toContain('reason must be a string');
      const extra = await decide('release', other, maria, { reason: 'ok', amount: '1.00' }).expect(400);
      expect(extra.body.message).toBe('property amount should not exist');
      const badRequestId = await decide('release', other, maria).set('X-Request-Id', 'has space').expect(400);
      expect(badRequestId.body.message).toMatch(/^X-Request-Id must match/);
      expect((await holdRow(other)).status).toBe('pending');
    });
  });

  describe('reject', () => {
    it('lets any approval role reject, whatever the excess: 200, audit row, document.rejected published', async () => {
      const holdId = await seedHold({
        customerId: 'C-REJ',
        documentType: 'invoice',
        documentId: 'INV-9',
        excess: '999999.00',
        reasons: ['LIMIT_EXCEEDED', 'OVERDUE'],
        requestedBy: null,
      });
      const res = await decide('reject', holdId, junior, { reason: 'Customer under legal review' }).expect(
        200,
      );
      expect(res.body).toMatchObject({ status: 'rejected', decidedBy: 'gianni', requestedBy: null });
      expect(res.body.decisions[0]).toMatchObject({
        decision: 'rejected',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        authority: { roles: [{ name: 'junior' }], required: { approvalRole: true } },
      });
      expect(await decisionRows(holdId)).toHaveLength(1);
      const [event] = await eventually(
        () => eventsFor(holdId),
        (list) => list.length >= 1,
      );
      expect(validateOutputEvent(event)).toEqual({ ok: true });
      expect(event).toMatchObject({
        type: 'document.rejected',
        customerId: 'C-REJ',
        causationId: res.body.decisions[0].requestId,
        sequence: 0,
        data: {
          documentType: 'invoice',
          documentId: 'INV-9',
          holdId,
          decidedBy: 'gianni',
          reason: 'Customer under legal review',
          reasons: ['LIMIT_EXCEEDED', 'OVERDUE'],
        },
      });
      expect((event.data as Record<string, unknown>).requestedBy).toBeUndefined();
      await decide('release', holdId, maria).expect(409);
    });
  });

  describe('reading holds', () => {
    it('shows one hold with the customer exposure from the projection', async () => {
      await db.query(
        `INSERT INTO customer_exposure (company_id, customer_id, orders, deliveries, unposted_invoices, receivables,
           bills, total, overdue_amount, oldest_overdue_days, limit_amount, limit_mode, attention_threshold_pct,
           valid_until, status, utilization_pct, blocked, block_reasons, risk_class, avg_days_late,
           dishonoured_bills_12m, business_date, state_version, as_of)
         VALUES ($1, 'C-EXP', 1200, 0, 0, 3000, 0, 4200, 0, 0, 5000, 'block', 80, NULL, 'WARNING', 84.00, false,
           '{}', 'A', 0, 0, '2026-03-01', 7, now())`,
        [CO],
      );
      const holdId = await seedHold({ customerId: 'C-EXP', excess: '1000.00', ageMinutes: 42 });
      const res = await getHold(holdId).expect(200);
      expect(res.body).toMatchObject({
        holdId,
        status: 'pending',
        reasons: ['LIMIT_EXCEEDED'],
        exposureBefore: '4200.00',
        exposureAfter: '6000.00',
        limit: '5000.00',
        excess: '1000.00',
        decisions: [],
        currentExposure: {
          customerId: 'C-EXP',
          total: '4200.00',
          components: { orders: '1200.00', receivables: '3000.00' },
          status: 'WARNING',
        },
      });
      expect(res.body.ageMinutes).toBeGreaterThanOrEqual(42);
      const noProjection = await seedHold({ customerId: 'C-NONE' });
      expect((await getHold(noProjection).expect(200)).body.currentExposure).toBeNull();
      // an erp-service token reads holds (viewer level)
      await getHold(holdId, token('erp', ['erp-service'])).expect(200);
    });

    it('lists pending holds by default, with filters, sorting and pagination', async () => {
      const c = 'C-LIST';
      const a = await seedHold({ customerId: c, amount: '100.00', excess: '10.00', ageMinutes: 120 });
      const b = await seedHold({
        customerId: c,
        amount: '900.00',
        excess: '800.00',
        ageMinutes: 60,
        documentType: 'invoice',
      });
      const d = await seedHold({ customerId: c, amount: '500.00', excess: '400.00', ageMinutes: 5 });
      const decided = await seedHold({ customerId: c, amount: '700.00', status: 'rejected', ageMinutes: 30 });
      const ids = (res: request.Response) => res.body.items.map((h: { holdId: string }) => h.holdId);

      const pending = await listHolds(`?customerId=${c}`).expect(200);
      expect(ids(pending)).toEqual([a, b, d]); // oldest first
      expect(pending.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect(ids(await listHolds(`?customerId=${c}&status=rejected`).expect(200))).toEqual([decided]);
      expect((await listHolds(`?customerId=${c}&status=all`).expect(200)).body.total).toBe(4);
      expect(ids(await listHolds(`?customerId=${c}&minAmount=500`).expect(200))).toEqual([b, d]);
      expect(ids(await listHolds(`?customerId=${c}&minExcess=400.00`).expect(200))).toEqual([b, d]);
      expect(ids(await listHolds(`?customerId=${c}&minAgeMinutes=60`).expect(200))).toEqual([a, b]);
      expect(ids(await listHolds(`?customerId=${c}&documentType=invoice`).expect(200))).toEqual([b]);
      expect(ids(await listHolds(`?customerId=${c}&sort=amount&order=desc`).expect(200))).toEqual([b, d, a]);
      expect(ids(await listHolds(`?customerId=${c}&sort=createdAt&order=desc`).expect(200))).toEqual([
        d,
        b,
        a,
      ]);
      const page2 = await listHolds(`?customerId=${c}&sort=amount&limit=2&offset=1`).expect(200);
      expect(ids(page2)).toEqual([d, b]);
      expect(page2.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
      const all = await listHolds('?status=all&limit=500').expect(200);
      expect(all.body.items.every((h: { companyId: string }) => h.companyId === CO)).toBe(true);
    });

    it('answers 400 naming the query parameter', async () => {
      const cases: [string, RegExp][] = [
        ['?limit=0', /^limit must be/],
        ['?limit=501', /^limit must be/],
        ['?limit=1.5', /^limit must be/],
        ['?offset=-1', /^offset must be/],
        ['?status=open', /^status must be one of/],
        ['?minAmount=12.345', /^minAmount must be/],
        ['?minAmount=-1', /^minAmount must be/],
        ['?minAgeMinutes=abc', /^minAgeMinutes must be/],
        ['?documentType=quote', /^documentType must be one of/],
        ['?sort=customer', /^sort must be one of/],
        ['?order=up', /^order must be one of/],
        ['?customerId=a%20b', /^customerId must match/],
        ['?foo=1', /^property foo should not exist/],
      ];
      for (const [query, message] of cases) {
        const res = await listHolds(query);
        expect([query, res.status]).toEqual([query, 400]);
        expect([query, res.body.message]).toEqual([query, expect.stringMatching(message)]);
      }
    });
  });

  describe('approval role administration', () => {
    it('lets an admin create, change, assign and delete roles, audited; credit-manager and viewer may only read', async () => {
      const created = await putRole('area-north', { maxExcess: '1000', mayReleaseOverdue: false }).expect(
        201,
      );
      expect(created.body).toMatchObject({
        companyId: CO,
        name: 'area-north',
        maxExcess: '1000.00',
        mayReleaseOverdue: false,
        memberCount: 0,
        createdBy: 'admin-anna',
      });
      const changed = await putRole('area-north', { maxExcess: '2500.50', mayReleaseOverdue: true }).expect(
        200,
      );
      expect(changed.body).toMatchObject({
        maxExcess: '2500.50',
        mayReleaseOverdue: true,
        updatedBy: 'admin-anna',
      });
      await putRole('area-north', { maxExcess: '2500.50', mayReleaseOverdue: true }).expect(200); // unchanged

      // credit-manager and viewer: 403 on every write, 200 on reads
      for (const bearer of [creditManager, viewer, maria]) {
        await putRole('area-north', { maxExcess: null, mayReleaseOverdue: true }, bearer).expect(403);
        await auth(request(server()).delete(`/v1/companies/${CO}/approval-roles/area-north`), bearer).expect(
          403,
        );
        await putMember('area-north', 'someone', bearer).expect(403);
        await auth(
          request(server()).delete(`/v1/companies/${CO}/approval-roles/senior/members/maria`),
          bearer,
        ).expect(403);
        await auth(request(server()).get(`/v1/companies/${CO}/approval-roles/area-north`), bearer).expect(
          200,
        );
      }
      // another company's admin
      await putRole(
        'area-north',
        { maxExcess: null, mayReleaseOverdue: true },
        token('x', ['admin'], ['DE01']),
      ).expect(403);

      await putMember('area-north', 'rosa@example.com').expect(201);
      await putMember('area-north', 'rosa@example.com').expect(200); // idempotent
      const member = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles/area-north/members/rosa%40example.com`),
        viewer,
      ).expect(200);
      expect(member.body).toMatchObject({
        roleName: 'area-north',
        userSubject: 'rosa@example.com',
        assignedBy: 'admin-anna',
      });
      const members = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles/area-north/members`),
        viewer,
      ).expect(200);
      expect(members.body).toMatchObject({ total: 1, items: [{ userSubject: 'rosa@example.com' }] });
      const roles = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles?userSubject=paolo`),
        viewer,
      ).expect(200);
      expect(roles.body.items.map((r: { name: string }) => r.name)).toEqual(['junior', 'overdue-desk']);
      const listed = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles?limit=2`),
        viewer,
      ).expect(200);
      expect(listed.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
      expect(listed.body.items.map((r: { name: string }) => r.name)).toEqual(['area-north', 'cfo']);

      // a role still held cannot be deleted
      const conflict = await auth(
        request(server()).delete(`/v1/companies/${CO}/approval-roles/area-north`),
        admin,
      ).expect(409);
      expect(conflict.body.message).toMatch(/still held by 1 user/);
      await auth(
        request(server()).delete(`/v1/companies/${CO}/approval-roles/area-north/members/rosa%40example.com`),
        admin,
      ).expect(204);
      await auth(
        request(server()).delete(`/v1/companies/${CO}/approval-roles/area-north/members/rosa%40example.com`),
        admin,
      ).expect(404);
      await auth(request(server()).delete(`/v1/companies/${CO}/approval-roles/area-north`), admin).expect(
        204,
      );
      const gone = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles/area-north`),
        viewer,
      ).expect(404);
      expect(gone.body.message).toBe(`approval role area-north does not exist in company ${CO}`);
      await auth(request(server()).delete(`/v1/companies/${CO}/approval-roles/area-north`), admin).expect(
        404,
      );
      await putMember('area-north', 'rosa').expect(404);
      await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles/area-north/members`),
        viewer,
      ).expect(404);

      const audit = await auth(
        request(server()).get(`/v1/companies/${CO}/authority-changes?limit=5`),
        viewer,
      ).expect(200);
      expect(
        audit.body.items.map((c: { action: string; roleName: string; userSubject: string | null }) => [
          c.action,
          c.roleName,
          c.userSubject,
        ]),
      ).toEqual([
        ['role.deleted', 'area-north', null],
        ['member.removed', 'area-north', 'rosa@example.com'],
        ['member.added', 'area-north', 'rosa@example.com'],
        ['role.updated', 'area-north', null],
        ['role.created', 'area-north', null],
      ]);
      expect(audit.body.items[3]).toMatchObject({
        changedBy: 'admin-anna',
        before: { maxExcess: '1000.00', mayReleaseOverdue: false },
        after: { maxExcess: '2500.50', mayReleaseOverdue: true },
      });
    });

    it('gives new authority at once: a role change applies to the next decision', async () => {
      const holdId = await seedHold({ excess: '150.00' });
      await decide('release', holdId, junior).expect(403);
      await putRole('junior', { maxExcess: '150.00', mayReleaseOverdue: false }).expect(200);
      try {
        await decide('release', holdId, junior).expect(200);
      } finally {
        await putRole('junior', { maxExcess: '100.00', mayReleaseOverdue: false }).expect(200);
      }
    });

    it('never lets an admin grant approval authority to itself: another admin must', async () => {
      const bob = token('admin-bob', ['admin']);
      await putRole('bob-desk', { maxExcess: '100.00', mayReleaseOverdue: false }, bob).expect(201);
      const self = await putMember('cfo', 'admin-bob', bob).expect(403);
      expect(self.body.message).toMatch(/may not grant yourself approval authority: another admin must/);
      await putMember('bob-desk', 'admin-bob', bob).expect(403);
      const members = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles/cfo/members/admin-bob`),
        viewer,
      );
      expect(members.status).toBe(404);

      // another admin may give it
      await putMember('bob-desk', 'admin-bob', admin).expect(201);
      // and then bob may not raise the authority of the role he holds, in amount or overdue permission
      await putRole('bob-desk', { maxExcess: null, mayReleaseOverdue: false }, bob).expect(403);
      await putRole('bob-desk', { maxExcess: '100.01', mayReleaseOverdue: false }, bob).expect(403);
      await putRole('bob-desk', { maxExcess: '100.00', mayReleaseOverdue: true }, bob).expect(403);
      const unchanged = await auth(
        request(server()).get(`/v1/companies/${CO}/approval-roles/bob-desk`),
        viewer,
      ).expect(200);
      expect(unchanged.body).toMatchObject({ maxExcess: '100.00', mayReleaseOverdue: false });
      // lowering it is no grant; another admin may raise it
      await putRole('bob-desk', { maxExcess: '50.00', mayReleaseOverdue: false }, bob).expect(200);
      await putRole('bob-desk', { maxExcess: null, mayReleaseOverdue: true }, admin).expect(200);

      const audit = await auth(
        request(server()).get(`/v1/companies/${CO}/authority-changes?limit=3`),
        viewer,
      ).expect(200);
      expect(
        audit.body.items.map((c: { action: string; changedBy: string; userSubject: string | null }) => [
          c.action,
          c.changedBy,
          c.userSubject,
        ]),
      ).toEqual([
        ['role.updated', 'admin-anna', null],
        ['role.updated', 'admin-bob', null],
        ['member.added', 'admin-anna', 'admin-bob'],
      ]);
    });

    it('answers 400 naming the field for invalid role bodies and path params', async () => {
      const cases: [object, RegExp][] = [
        [{ mayReleaseOverdue: false }, /^maxExcess must be/],
        [{ maxExcess: '-1.00', mayReleaseOverdue: false }, /^maxExcess must be/],
        [{ maxExcess: 1000, mayReleaseOverdue: false }, /^maxExcess must be/],
        [{ maxExcess: '10.00' }, /^mayReleaseOverdue must be a boolean/],
        [{ maxExcess: '10.00', mayReleaseOverdue: 'yes' }, /^mayReleaseOverdue must be a boolean/],
        [
          { maxExcess: '10.00', mayReleaseOverdue: false, colour: 'red' },
          /^property colour should not exist/,
        ],
      ];
      for (const [body, message] of cases) {
        const res = await putRole('valid-name', body);
        expect([body, res.status]).toEqual([body, 400]);
        expect([body, res.body.message]).toEqual([body, expect.stringMatching(message)]);
      }
      const badName = await putRole('bad%20name', { maxExcess: null, mayReleaseOverdue: false }).expect(400);
      expect(badName.body.message).toMatch(/^name must match/);
      const badSubject = await putMember('senior', 'has space').expect(400);
      expect(badSubject.body.message).toMatch(/^userSubject must match/);
      await auth(request(server()).get(`/v1/companies/${CO}/approval-roles?limit=0`), viewer).expect(400);
      await auth(request(server()).get(`/v1/companies/${CO}/approval-roles/valid-name`), viewer).expect(404);
    });

    it('lists every route in the OpenAPI document', async () => {
      const doc = await request(server()).get('/docs/openapi.json').expect(200);
      const paths = doc.body.paths as Record<string, Record<string, unknown>>;
      const expected: [string, string[]][] = [
        ['/v1/companies/{companyId}/approval-roles', ['get']],
        ['/v1/companies/{companyId}/approval-roles/{name}', ['get', 'put', 'delete']],
        ['/v1/companies/{companyId}/approval-roles/{name}/members', ['get']],
        ['/v1/companies/{companyId}/approval-roles/{name}/members/{userSubject}', ['get', 'put', 'delete']],
        ['/v1/companies/{companyId}/authority-changes', ['get']],
        ['/v1/companies/{companyId}/holds', ['get']],
        ['/v1/companies/{companyId}/holds/{holdId}', ['get']],
        ['/v1/companies/{companyId}/holds/{holdId}/release', ['post']],
        ['/v1/companies/{companyId}/holds/{holdId}/reject', ['post']],
      ];
      for (const [path, methods] of expected) {
        expect([path, Object.keys(paths[path] ?? {}).sort()]).toEqual([path, [...methods].sort()]);
      }
    });
  });

  describe('end to end: a credit check holds a document, an approver releases it', () => {
    let engine: INestApplication;
    let producer: TestProducer;

    beforeAll(async () => {
      producer = new TestProducer(stack.kafka);
      await producer.connect();
      // The API uses the system clock: the engine's business date must be the same day.
      engine = await startEngine(stack, new TestClock(new Date()));
    });

    afterAll(async () => {
      await producer?.disconnect();
      await engine?.close();
    });

    it('HOLD from POST credit-checks, 403 for too little authority and for the requester, release, then 409', async () => {
      const customerId = 'C-E2E';
      const base = { companyId: CO, customerId };
      const topics = stack.engine.kafka.topics;
      await producer.events(topics.creditLimits, [
        {
          ...base,
          eventId: 'e2e-limit',
          type: 'creditLimit.set',
          data: { amount: '1000.00', mode: 'block', setBy: 'cm-carlo' },
        },
      ]);
      await producer.events(topics.documents, [
        { ...base, eventId: 'e2e-o1', type: 'order.confirmed', data: { orderId: 'SO-E1', amount: '900.00' } },
      ]);
      await eventually(
        () => auth(request(server()).get(`/v1/companies/${CO}/customers/${customerId}/exposure`), viewer),
        (r) => r.status === 200 && r.body.total === '900.00' && r.body.limit?.amount === '1000.00',
      );

      const erp = token('erp-connector', ['erp-service']);
      const check = await auth(
        request(server()).post(`/v1/companies/${CO}/customers/${customerId}/credit-checks`),
        erp,
      )
        .send({ documentType: 'order', documentId: 'SO-E2', amount: '600.00', requestedBy: 'giulia' })
        .expect(200);
      expect(check.body).toMatchObject({ decision: 'HOLD', excess: '500.00', reasons: ['LIMIT_EXCEEDED'] });
      const holdId: string = check.body.holdId;

      const pending = await listHolds(`?customerId=${customerId}`).expect(200);
      expect(pending.body.items).toEqual([
        expect.objectContaining({ holdId, documentId: 'SO-E2', excess: '500.00', requestedBy: 'giulia' }),
      ]);

      // giulia asked for the document: even with authority she may not release it
      await putMember('senior', 'giulia').expect(201);
      const own = await decide('release', holdId, token('giulia', ['approver'])).expect(403);
      expect(own.body.message).toMatch(/requester may not decide its own document/);
      // junior (100.00) is not enough for an excess of 500.00
      const tooLittle = await decide('release', holdId, junior).expect(403);
      expect(tooLittle.body.missing).toEqual(['MAX_EXCESS']);

      const released = await decide('release', holdId, maria, {
        reason: 'Order confirmed by the sales director',
      })
        .set('X-Request-Id', `e2e-${holdId}`)
        .expect(200);
      expect(released.body).toMatchObject({ status: 'released', decidedBy: 'maria' });
      await decide('release', holdId, maria).expect(409);
      await decide('reject', holdId, maria).expect(409);

      const events = await eventually(
        () => eventsFor(holdId),
        (list) => list.some((e) => e.type === 'document.released'),
      );
      expect(events.map((e) => e.type)).toEqual(['document.held', 'document.released']);
      const releasedEvent = events[1];
      expect(validateOutputEvent(releasedEvent)).toEqual({ ok: true });
      expect(releasedEvent).toMatchObject({
        customerId,
        causationId: `e2e-${holdId}`,
        data: {
          holdId,
          documentId: 'SO-E2',
          amount: '600.00',
          exposureBefore: '900.00',
          exposureAfter: '1500.00',
          limit: '1000.00',
          requestedBy: 'giulia',
          decidedBy: 'maria',
          reason: 'Order confirmed by the sales director',
        },
      });
      expect(await decisionRows(holdId)).toEqual([
        expect.objectContaining({ decision: 'released', decided_by: 'maria', request_id: `e2e-${holdId}` }),
      ]);
    });

    /** A block-mode customer at 900.00 of a 1000.00 limit, folded by the engine. */
    async function nearLimit(customerId: string) {
      const base = { companyId: CO, customerId };
      const topics = stack.engine.kafka.topics;
      await producer.events(topics.creditLimits, [
        {
          ...base,
          eventId: `${customerId}-limit`,
          type: 'creditLimit.set',
          data: { amount: '1000.00', mode: 'block', setBy: 'cm-carlo' },
        },
      ]);
      await producer.events(topics.documents, [
        {
          ...base,
          eventId: `${customerId}-o1`,
          type: 'order.confirmed',
          data: { orderId: 'SO-1', amount: '900.00' },
        },
      ]);
      await eventually(
        () => auth(request(server()).get(`/v1/companies/${CO}/customers/${customerId}/exposure`), viewer),
        (r) => r.status === 200 && r.body.total === '900.00' && r.body.limit?.amount === '1000.00',
      );
    }
    const creditCheck = (customerId: string, bearer: string, body: object) =>
      auth(request(server()).post(`/v1/companies/${CO}/customers/${customerId}/credit-checks`), bearer).send(
        body,
      );

    it('takes the requester from the token: a credit-manager naming someone else still may not decide its own hold', async () => {
      await nearLimit('C-SOD-CM');
      // cm-sara manages credit and holds unlimited approval authority, given by an admin
      await putMember('cfo', 'cm-sara').expect(201);
      const sara = token('cm-sara', ['credit-manager']);
      const check = await creditCheck('C-SOD-CM', sara, {
        documentType: 'order',
        documentId: 'SO-SELF',
        amount: '600.00',
        requestedBy: 'giulia',
      }).expect(200);
      expect(check.body).toMatchObject({ decision: 'HOLD', requestedBy: 'cm-sara', sentBy: 'cm-sara' });
      const holdId: string = check.body.holdId;

      const own = await decide('release', holdId, sara).expect(403);
      expect(own.body.message).toMatch(/requester may not decide its own document/);
      await decide('reject', holdId, sara).expect(403);
      const hold = await getHold(holdId).expect(200);
      expect(hold.body).toMatchObject({ status: 'pending', requestedBy: 'cm-sara', sentBy: 'cm-sara' });
      // giulia, named in the body, was not recorded: she is no requester and may decide with authority
      await putMember('senior', 'giulia').expect((r) => expect([200, 201]).toContain(r.status));
      await decide('release', holdId, token('giulia', ['approver'])).expect(200);
    });

    it('lets erp-service name the ERP user; then neither that user nor the service subject may decide', async () => {
      await nearLimit('C-SOD-ERP');
      // the integration's subject also holds approver and unlimited approval authority
      await putMember('cfo', 'erp-bridge').expect(201);
      await putMember('cfo', 'giorgio').expect(201);
      const bridge = token('erp-bridge', ['erp-service', 'approver']);
      const check = await creditCheck('C-SOD-ERP', bridge, {
        documentType: 'order',
        documentId: 'SO-ERP',
        amount: '600.00',
        requestedBy: 'giorgio',
      }).expect(200);
      expect(check.body).toMatchObject({ decision: 'HOLD', requestedBy: 'giorgio', sentBy: 'erp-bridge' });
      const holdId: string = check.body.holdId;

      for (const bearer of [token('giorgio', ['approver']), bridge]) {
        const refused = await decide('release', holdId, bearer).expect(403);
        expect(refused.body.message).toMatch(/requester may not decide its own document/);
        await decide('reject', holdId, bearer).expect(403);
      }
      const hold = await getHold(holdId).expect(200);
      expect(hold.body).toMatchObject({ status: 'pending', requestedBy: 'giorgio', sentBy: 'erp-bridge' });
      const listed = await listHolds(`?customerId=C-SOD-ERP`).expect(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({ holdId, requestedBy: 'giorgio', sentBy: 'erp-bridge' }),
      ]);

      await decide('release', holdId, maria, { reason: 'advance payment received' })
        .set('X-Request-Id', `sod-${holdId}`)
        .expect(200);
      const events = await eventually(
        () => eventsFor(holdId),
        (list) => list.some((e) => e.type === 'document.released'),
      );
      for (const published of events) expect(validateOutputEvent(published)).toEqual({ ok: true });
      expect(
        events.map((e) => [
          e.type,
          (e.data as Record<string, unknown>).requestedBy,
          (e.data as Record<string, unknown>).sentBy,
        ]),
      ).toEqual([
        ['document.held', 'giorgio', 'erp-bridge'],
        ['document.released', 'giorgio', 'erp-bridge'],
      ]);
      // the customer's history (audit trail) shows who sent the check
      const history = await auth(
        request(server()).get(`/v1/companies/${CO}/customers/C-SOD-ERP/history`),
        viewer,
      ).expect(200);
      const heldEntry = history.body.items.find((e: { type: string }) => e.type === 'document.held');
      expect(heldEntry.data).toMatchObject({ holdId, requestedBy: 'giorgio', sentBy: 'erp-bridge' });
    });
  });
});
