import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { waitUntilFolded } from '../support/folding';
import { isolatedStack, IsolatedStack } from '../support/isolated-stack';
import { eventually, RawEvent, TestProducer } from '../support/kafka-io';
import { startApi, startEngine, TestClock, tokenFor } from '../support/running-apps';

const COMPANY = 'IT01';
const OTHER_COMPANY = 'IT02';
const MASTER_ONLY_COMPANY = 'IT03';
const ALPHA = 'C-ALPHA';
const BETA = 'C-BETA';
const GAMMA = 'C-GAMMA';
const DELTA = 'D-DELTA';
const CUSTOMERS = [ALPHA, BETA, GAMMA, DELTA];
/** [days past due on 2026-06-15, residual, due date]: both sides of each bucket boundary. */
const EDGES: [number, string, string][] = [
  [0, '1.00', '2026-06-15'],
  [1, '2.00', '2026-06-14'],
  [30, '4.00', '2026-05-16'],
  [31, '8.00', '2026-05-15'],
  [60, '16.00', '2026-04-16'],
  [61, '32.00', '2026-04-15'],
  [90, '64.00', '2026-03-17'],
  [91, '128.00', '2026-03-16'],
];
const COMPONENTS = ['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'] as const;

/**
 * The reporting routes on a known history, folded by the real engine on a fixed
 * business date (2026-06-15 in Europe/Rome) and read from the Postgres projections:
 *
 * - C-ALPHA: limit 20000 block; open orders, a delivery note, an unposted invoice;
 *   INV-A1 posted in three instalments: OI-A1 (due 2026-05-01, 45 days overdue,
 *   paid 300.00 of 800.00 20 days late), OI-A2 (due 2026-03-07, 100 days overdue),
 *   OI-A3 (not due). Blocked for overdue items; avgDaysLate (300 x 20 + 500 x 45
 *   + 800 x 100) / 1600 = 67.81 (the unpaid residuals count, spec section 8), class D.
 * - C-BETA: limit 5000 warn; an order, two open items (14 and 75 days overdue, the
 *   second paid 100.00 30 days late), a dishonoured RiBa re-debited, a bill at risk.
 *   EXCEEDED, not blocked (warn); avgDaysLate (100 x 30 + 300 x 14 + 100 x 75) / 500
 *   = 29.40 and one dishonoured bill: class C.
 * - C-GAMMA: limit 10000 block; an order at 85 %: WARNING; an item posted overdue
 *   then paid early: blocked, then unblocked. Class A.
 * - D-DELTA: no limit, an order and a credit note (a negative component).
 * - C-OTHER in company IT02, which an IT01 token may not see.
 */
describe('reporting: exposures, drill-down, open items, ageing, payment behaviour, history, CSV', () => {
  let stack: IsolatedStack;
  let engine: INestApplication;
  let api: INestApplication;
  let producer: TestProducer;
  let pg: DataSource;
  let viewer: string;
  const clock = new TestClock(new Date('2026-06-15T08:00:00Z'));

  const event = (
    customerId: string,
    eventId: string,
    type: string,
    data: Record<string, unknown>,
    companyId = COMPANY,
  ): RawEvent => ({ companyId, customerId, eventId, type, data });
  const get = (path: string, token = viewer) =>
    request(api.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
  const v1 = (path: string) => `/v1/companies/${COMPANY}${path}`;
  const customer = (id: string, path: string) => v1(`/customers/${encodeURIComponent(id)}${path}`);
  const ids = (body: { items: { customerId: string }[] }) => body.items.map((i) => i.customerId);

  beforeAll(async () => {
    stack = await isolatedStack();
    producer = new TestProducer(stack.kafka);
    await producer.connect();
    api = await startApi(stack); // runs the migrations
    engine = await startEngine(stack, clock);
    viewer = tokenFor(stack, ['viewer'], [COMPANY]);
    pg = new DataSource({ type: 'postgres', url: stack.api.postgres.url });
    await pg.initialize();
    const t = stack.engine.kafka.topics;

    // Phase by phase, so that the events published do not depend on how the topics interleave.
    await producer.events(t.creditLimits, [
      event(ALPHA, 'lim-a', 'creditLimit.set', { amount: '20000.00', mode: 'block', setBy: 'maria' }),
      event(BETA, 'lim-b', 'creditLimit.set', { amount: '5000.00', mode: 'warn', setBy: 'maria' }),
      event(GAMMA, 'lim-g', 'creditLimit.set', { amount: '10000.00', mode: 'block', setBy: 'maria' }),
    ]);
    await waitUntilFolded(stack);

    await producer.events(t.documents, [
      event(ALPHA, 'a-o1', 'order.confirmed', { orderId: 'SO-A1', amount: '3000.00' }),
      event(ALPHA, 'a-o2', 'order.confirmed', { orderId: 'SO-A2', amount: '1000.00' }),
      event(ALPHA, 'a-d1', 'delivery.issued', {
        deliveryId: 'DN-A1',
        amount: '1200.00',
        orderRefs: [{ orderId: 'SO-A1', amount: '1200.00' }],
      }),
      event(ALPHA, 'a-i1', 'invoice.issued', {
        invoiceId: 'INV-A1',
        kind: 'invoice',
        amount: '2400.00',
        orderRefs: [{ orderId: 'SO-A1', amount: '1000.00' }],
      }),
      event(ALPHA, 'a-i2', 'invoice.issued', { invoiceId: 'INV-A2', kind: 'invoice', amount: '900.00' }),
      event(BETA, 'b-o1', 'order.confirmed', { orderId: 'SO-B1', amount: '4500.00' }),
      event(GAMMA, 'g-o1', 'order.confirmed', { orderId: 'SO-G1', amount: '8500.00' }),
      event(DELTA, 'd-o1', 'order.confirmed', { orderId: 'SO-D1', amount: '100.00' }),
      event(DELTA, 'd-c1', 'invoice.issued', { invoiceId: 'CN-D1', kind: 'credit-note', amount: '30.00' }),
      event('C-OTHER', 'x-o1', 'order.confirmed', { orderId: 'SO-X', amount: '999.00' }, OTHER_COMPANY),
    ]);
    await waitUntilFolded(stack);

    const debit = (
      lineId: string,
      amount: string,
      openItemId: string,
      dueDate: string,
      invoiceRef?: string,
    ) => ({
      lineId,
      side: 'debit',
      amount,
      openItemId,
      dueDate,
      ...(invoiceRef === undefined ? {} : { invoiceRef }),
    });
    const payment = (openItemId: string, amount: string) => ({
      lineId: 'L1',
      side: 'credit',
      amount,
      settles: [{ openItemId, amount }],
    });
    await producer.events(t.journalEntries, [
      event(ALPHA, 'a-je1', 'journal.posted', {
        entryId: 'JE-A1',
        postingDate: '2026-02-05',
        lines: [
          debit('L1', '800.00', 'OI-A1', '2026-05-01', 'INV-A1'),
          debit('L2', '800.00', 'OI-A2', '2026-03-07', 'INV-A1'),
          debit('L3', '800.00', 'OI-A3', '2026-07-15', 'INV-A1'),
        ],
      }),
      event(ALPHA, 'a-je2', 'journal.posted', {
        entryId: 'JE-A2',
        postingDate: '2026-05-21',
        lines: [payment('OI-A1', '300.00')],
      }),
      event(BETA, 'b-je1', 'journal.posted', {
        entryId: 'JE-B1',
        postingDate: '2026-03-10',
        lines: [debit('L1', '300.00', 'OI-B1', '2026-06-01'), debit('L2', '200.00', 'OI-B2', '2026-04-01')],
      }),
      event(BETA, 'b-je3', 'journal.posted', {
        entryId: 'JE-B3',
        postingDate: '2026-05-01',
        lines: [payment('OI-B2', '100.00')],
      }),
      event(GAMMA, 'g-je1', 'journal.posted', {
        entryId: 'JE-G1',
        postingDate: '2026-05-01',
        lines: [debit('L1', '1000.00', 'OI-G1', '2026-05-31')],
      }),
      // C-OTHER (company IT02): one item on each side of every bucket boundary.
      event(
        'C-OTHER',
        'x-je1',
        'journal.posted',
        {
          entryId: 'JE-X1',
          postingDate: '2026-01-02',
          lines: EDGES.map(([days, amount, dueDate]) => debit(`L${days}`, amount, `OI-${days}`, dueDate)),
        },
        OTHER_COMPANY,
      ),
      event(GAMMA, 'g-je2', 'journal.posted', {
        entryId: 'JE-G2',
        postingDate: '2026-05-25',
        lines: [payment('OI-G1', '1000.00')],
      }),
    ]);
    await waitUntilFolded(stack);

    // BETA: a RiBa comes back unpaid and is re-debited (no open item); another bill is at risk.
    await producer.events(t.billPortfolio, [
      event(BETA, 'b-b1', 'bill.issued', {
        billId: 'RB-B1',
        amount: '400.00',
        dueDate: '2026-05-20',
        instrument: 'riba',
      }),
      event(BETA, 'b-b2', 'bill.dishonoured', {
        billId: 'RB-B1',
        dishonouredAt: '2026-05-25T10:00:00+02:00',
      }),
      event(BETA, 'b-b3', 'bill.issued', {
        billId: 'RB-B2',
        amount: '250.00',
        dueDate: '2026-06-30',
        instrument: 'sdd',
      }),
    ]);
    await producer.events(t.journalEntries, [
      event(BETA, 'b-je2', 'journal.posted', {
        entryId: 'JE-B2',
        postingDate: '2026-05-26',
        lines: [{ lineId: 'L1', side: 'debit', amount: '400.00' }],
      }),
    ]);
    await waitUntilFolded(stack);

    // Master data last: a name changes no figure, so the history above stays as it is.
    // D-DELTA never sends one; C-NEW (company IT03) sends nothing else.
    await producer.events(t.customers, [
      event(ALPHA, 'a-cu', 'customer.updated', {
        name: 'Zeta Ricambi S.p.A.',
        vatNumber: 'IT00000000001',
        salesAgentId: 'AG-01',
        email: 'amministrazione@zeta.example',
      }),
      event(BETA, 'b-cu', 'customer.updated', { name: 'Mario Rossi S.r.l.', salesAgentId: 'AG-02' }),
      event(GAMMA, 'g-cu', 'customer.updated', { name: 'rossi & figli snc', salesAgentId: 'AG-01' }),
      event('C-NEW', 'n-cu', 'customer.updated', { name: 'Nuovo Cliente S.r.l.' }, MASTER_ONLY_COMPANY),
    ]);
    await waitUntilFolded(stack);

    // The projections are complete when every customer shows its final figures.
    await eventually(
      () => get(v1('/exposures?sort=customerId')),
      (r) =>
        r.status === 200 &&
        JSON.stringify(r.body.items.map((i: { total: string }) => i.total)) ===
          JSON.stringify(['6000.00', '5550.00', '8500.00', '70.00']) &&
        r.body.items[2].customerName === 'rossi & figli snc',
    );
  });

  afterAll(async () => {
    if (pg?.isInitialized) await pg.destroy();
    await producer?.disconnect();
    await engine?.close();
    await api?.close();
    await stack?.cleanup();
  });

  describe('GET /exposures', () => {
    it('lists every customer of the company with total, components, limit, utilisation, status, blocks, overdue and risk class', async () => {
      const res = await get(v1('/exposures')).expect(200);
      expect(res.body).toMatchObject({ total: 4, limit: 50, offset: 0 });
      expect(ids(res.body)).toEqual(CUSTOMERS);
      const [alpha, beta, gamma, delta] = res.body.items;
      expect(alpha).toMatchObject({
        companyId: COMPANY,
        customerId: ALPHA,
        components: {
          orders: '1800.00',
          deliveries: '1200.00',
          unpostedInvoices: '900.00',
          receivables: '2100.00',
          bills: '0.00',
        },
        total: '6000.00',
        limit: { amount: '20000.00', mode: 'block', attentionThresholdPct: 80, validUntil: null },
        utilizationPct: '30.00',
        status: 'OK',
        blocked: true,
        blockReasons: ['OVERDUE'],
        overdueAmount: '1300.00',
        oldestOverdueDays: 100,
        riskClass: 'D',
        avgDaysLate: '67.81',
        businessDate: '2026-06-15',
      });
      expect(beta).toMatchObject({
        components: { orders: '4500.00', receivables: '800.00', bills: '250.00' },
        total: '5550.00',
        utilizationPct: '111.00',
        status: 'EXCEEDED',
        blocked: false,
        blockReasons: [],
        overdueAmount: '400.00',
        oldestOverdueDays: 75,
        riskClass: 'C',
        avgDaysLate: '29.40',
        dishonouredBills12m: 1,
      });
      expect(gamma).toMatchObject({
        total: '8500.00',
        utilizationPct: '85.00',
        status: 'WARNING',
        blocked: false,
        overdueAmount: '0.00',
        riskClass: 'A',
      });
      expect(delta).toMatchObject({
        components: { orders: '100.00', unpostedInvoices: '-30.00' },
        total: '70.00',
        limit: null,
        utilizationPct: null,
        status: 'NO_LIMIT',
        riskClass: 'A',
      });
    });

    it.each<[string, string[]]>([
      ['status=EXCEEDED', [BETA]],
      ['status=OK,WARNING', [ALPHA, GAMMA]],
      ['status=NO_LIMIT&status=EXCEEDED', [BETA, DELTA]],
      ['blocked=true', [ALPHA]],
      ['blocked=false', [BETA, GAMMA, DELTA]],
      ['riskClass=C,D', [ALPHA, BETA]],
      ['riskClass=A', [GAMMA, DELTA]],
      ['minUtilizationPct=85', [BETA, GAMMA]],
      ['minUtilizationPct=85.01', [BETA]],
      ['minUtilizationPct=0', [ALPHA, BETA, GAMMA]],
      ['q=C-', [ALPHA, BETA, GAMMA]],
      ['q=c-b', [BETA]],
      ['q=C_', []],
      ['q=D', [DELTA]],
      ['status=OK,WARNING,EXCEEDED&blocked=false&riskClass=A,C&minUtilizationPct=50', [BETA, GAMMA]],
    ])('filters: %s', async (query, expected) => {
      const res = await get(v1(`/exposures?${query}`)).expect(200);
      expect(ids(res.body)).toEqual(expected);
      expect(res.body.total).toBe(expected.length);
    });

    it('carries the master data of erp.customers: name, VAT number, sales agent, e-mail (null before any)', async () => {
      const res = await get(v1('/exposures')).expect(200);
      const [alpha, beta, , delta] = res.body.items;
      expect(alpha).toMatchObject({
        customerName: 'Zeta Ricambi S.p.A.',
        vatNumber: 'IT00000000001',
        salesAgentId: 'AG-01',
        customerEmail: 'amministrazione@zeta.example',
      });
      expect(beta).toMatchObject({
        customerName: 'Mario Rossi S.r.l.',
        vatNumber: null,
        salesAgentId: 'AG-02',
      });
      expect(delta).toMatchObject({
        customerName: null,
        vatNumber: null,
        salesAgentId: null,
        customerEmail: null,
      });
      const one = await get(customer(ALPHA, '/exposure')).expect(200);
      expect(one.body).toMatchObject({ customerName: 'Zeta Ricambi S.p.A.', salesAgentId: 'AG-01' });
      const limit = await get(customer(GAMMA, '/credit-limit')).expect(200);
      expect(limit.body).toMatchObject({ customerId: GAMMA, customerName: 'rossi & figli snc' });
      const ageing = await get(v1('/ageing')).expect(200);
      expect(
        ageing.body.items.map((i: { customerId: string; customerName: string }) => [
          i.customerId,
          i.customerName,
        ]),
      ).toEqual([
        [ALPHA, 'Zeta Ricambi S.p.A.'],
        [BETA, 'Mario Rossi S.r.l.'],
      ]);
    });

    it('lists a customer known only from its master data, with zero exposure and no limit', async () => {
      const res = await get(
        `/v1/companies/${MASTER_ONLY_COMPANY}/exposures`,
        tokenFor(stack, ['viewer'], '*'),
      );
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          customerId: 'C-NEW',
          customerName: 'Nuovo Cliente S.r.l.',
          total: '0.00',
          status: 'NO_LIMIT',
          blocked: false,
        }),
      ]);
    });

    it.each<[string, string[]]>([
      ['q=rossi', [BETA, GAMMA]],
      ['q=ROSSI', [BETA, GAMMA]],
      ['q=zeta%20ricambi', [ALPHA]],
      ['q=%26%20fig', [GAMMA]],
      ['q=c-a', [ALPHA]],
      ['q=%25', []],
      ['q=ossi%20s', [BETA]],
      ['salesAgentId=AG-01', [ALPHA, GAMMA]],
      ['salesAgentId=AG-01,AG-02', [ALPHA, BETA, GAMMA]],
      ['salesAgentId=AG-09', []],
      ['salesAgentId=AG-01&q=rossi', [GAMMA]],
    ])('searches by code or name and filters by sales agent: %s', async (query, expected) => {
      const res = await get(v1(`/exposures?${query}`)).expect(200);
      expect(ids(res.body)).toEqual(expected);
      expect(res.body.total).toBe(expected.length);
    });

    it('sums the board in SQL: total exposure, exceeded, blocked, overdue, holds waiting, over the same filters', async () => {
      await pg.query(
        `INSERT INTO hold (hold_id, company_id, customer_id, document_type, document_id, amount, exposure_before,
           exposure_after, limit_amount, excess, reasons, source, causation_id)
         VALUES ('6d4c3b2a-1f0e-4d9c-8b7a-000000000001', $1, $2, 'order', 'SO-SUMMARY', '100.10', '6000.00',
           '6100.10', '20000.00', '0.00', '{OVERDUE}', 'event', 'summary-test')`,
        [COMPANY, ALPHA],
      );
      try {
        const all = await get(v1('/exposures/summary')).expect(200);
        expect(all.body).toEqual({
          companyId: COMPANY,
          customers: 4,
          totalExposure: '20120.00',
          exceeded: 1,
          warning: 1,
          blocked: 1,
          overdueAmount: '1700.00',
          overdueCustomers: 2,
          holdsWaiting: 1,
          holdsWaitingAmount: '100.10',
          asOf: expect.stringMatching(/^2026-06-15T/) as unknown,
        });
        const agent = await get(v1('/exposures/summary?salesAgentId=AG-01')).expect(200);
        expect(agent.body).toMatchObject({
          customers: 2,
          totalExposure: '14500.00',
          exceeded: 0,
          warning: 1,
          blocked: 1,
          overdueAmount: '1300.00',
          overdueCustomers: 1,
          holdsWaiting: 1,
          holdsWaitingAmount: '100.10',
        });
        const rossi = await get(v1('/exposures/summary?q=rossi')).expect(200);
        expect(rossi.body).toMatchObject({
          customers: 2,
          totalExposure: '14050.00',
          exceeded: 1,
          blocked: 0,
          holdsWaiting: 0,
          holdsWaitingAmount: '0.00',
        });
        const none = await get(v1('/exposures/summary?q=nobody')).expect(200);
        expect(none.body).toMatchObject({ customers: 0, totalExposure: '0.00', holdsWaiting: 0, asOf: null });
        const holds = await get(v1('/holds')).expect(200);
        expect(holds.body.items).toEqual([
          expect.objectContaining({ customerId: ALPHA, customerName: 'Zeta Ricambi S.p.A.' }),
        ]);
        await get(v1('/exposures/summary?sort=total')).expect(400);
      } finally {
        await pg.query(`DELETE FROM hold WHERE causation_id = 'summary-test'`);
      }
    });

    it.each<[string, string[]]>([
      ['customerName', [BETA, GAMMA, ALPHA, DELTA]],
      ['-customerName', [ALPHA, GAMMA, BETA, DELTA]],
      ['customerId', [ALPHA, BETA, GAMMA, DELTA]],
      ['-customerId', [DELTA, GAMMA, BETA, ALPHA]],
      ['total', [DELTA, BETA, ALPHA, GAMMA]],
      ['-total', [GAMMA, ALPHA, BETA, DELTA]],
      ['utilization', [ALPHA, GAMMA, BETA, DELTA]],
      ['-utilization', [BETA, GAMMA, ALPHA, DELTA]],
      ['overdueAmount', [GAMMA, DELTA, BETA, ALPHA]],
      ['-overdueAmount', [ALPHA, BETA, GAMMA, DELTA]],
      ['status', [DELTA, ALPHA, GAMMA, BETA]],
      ['-status', [BETA, GAMMA, ALPHA, DELTA]],
    ])('sorts: sort=%s (ties by customerId ascending, no utilisation last)', async (sort, expected) => {
      const res = await get(v1(`/exposures?sort=${sort}`)).expect(200);
      expect(ids(res.body)).toEqual(expected);
    });

    it('paginates with limit and offset, giving the total count', async () => {
      const page = await get(v1('/exposures?sort=-total&limit=2&offset=1')).expect(200);
      expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
      expect(ids(page.body)).toEqual([ALPHA, BETA]);
      const last = await get(v1('/exposures?sort=-total&limit=2&offset=3')).expect(200);
      expect(ids(last.body)).toEqual([DELTA]);
      const beyond = await get(v1('/exposures?limit=2&offset=10')).expect(200);
      expect(beyond.body).toMatchObject({ items: [], total: 4, limit: 2, offset: 10 });
      const filtered = await get(v1('/exposures?blocked=false&limit=1&offset=1')).expect(200);
      expect(filtered.body).toMatchObject({ total: 3 });
      expect(ids(filtered.body)).toEqual([GAMMA]);
      const max = await get(v1('/exposures?limit=500')).expect(200);
      expect(max.body.items).toHaveLength(4);
    });

    it('stays within the company of the route', async () => {
      const all = tokenFor(stack, ['viewer'], '*');
      const other = await get(`/v1/companies/${OTHER_COMPANY}/exposures`, all).expect(200);
      expect(other.body).toMatchObject({
        total: 1,
        items: [{ companyId: OTHER_COMPANY, customerId: 'C-OTHER' }],
      });
      const mine = await get(v1('/exposures?q=C-O'), all).expect(200);
      expect(mine.body.total).toBe(0);
    });
  });

  describe('GET /exposures.csv', () => {
    it('exports the filtered, sorted list with a header row, money with two decimals and negative amounts as numbers', async () => {
      const res = await get(v1('/exposures.csv?sort=-total')).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="exposures-${COMPANY}.csv"`);
      expect(res.headers['x-total-count']).toBe('4');
      expect(res.headers['x-truncated']).toBe('false');
      const lines = res.text.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines[0]).toBe(
        'companyId,customerId,customerName,vatNumber,salesAgentId,status,blocked,blockReasons,total,orders,deliveries,unpostedInvoices,receivables,bills,limitAmount,limitMode,attentionThresholdPct,validUntil,utilizationPct,overdueAmount,oldestOverdueDays,riskClass,avgDaysLate,dishonouredBills12m,businessDate,asOf',
      );
      const rows = lines.slice(1).map((line) => line.split(','));
      expect(rows.map((r) => r[1])).toEqual([GAMMA, ALPHA, BETA, DELTA]);
      const header = lines[0].split(',');
      const row = (id: string) =>
        Object.fromEntries(header.map((h, i) => [h, rows.find((r) => r[1] === id)![i]]));
      expect(row(ALPHA)).toMatchObject({
        companyId: COMPANY,
        customerName: 'Zeta Ricambi S.p.A.',
        vatNumber: 'IT00000000001',
        salesAgentId: 'AG-01',
        status: 'OK',
        blocked: 'true',
        blockReasons: 'OVERDUE',
        total: '6000.00',
        orders: '1800.00',
        receivables: '2100.00',
        bills: '0.00',
        limitAmount: '20000.00',
        limitMode: 'block',
        attentionThresholdPct: '80',
        validUntil: '',
        utilizationPct: '30.00',
        overdueAmount: '1300.00',
        oldestOverdueDays: '100',
        riskClass: 'D',
        avgDaysLate: '67.81',
        businessDate: '2026-06-15',
      });
      expect(row(DELTA)).toMatchObject({
        unpostedInvoices: '-30.00',
        total: '70.00',
        limitAmount: '',
        limitMode: '',
        utilizationPct: '',
        status: 'NO_LIMIT',
      });
    });

    it('applies the same filters, and takes no pagination', async () => {
      const res = await get(v1('/exposures.csv?status=EXCEEDED,WARNING&sort=customerId')).expect(200);
      expect(res.headers['x-total-count']).toBe('2');
      const lines = res.text.trimEnd().split('\r\n');
      expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([BETA, GAMMA]);
      const paged = await get(v1('/exposures.csv?limit=10')).expect(400);
      expect(paged.body.message).toBe('property limit should not exist');
    });
  });

  it('streams a large export and stops at 100 000 rows, saying so in the headers', async () => {
    // 100 005 customers of their own company, written straight into the projection.
    await pg.query(
      `INSERT INTO customer_exposure (company_id, customer_id, orders, deliveries, unposted_invoices, receivables,
         bills, total, overdue_amount, oldest_overdue_days, status, blocked, block_reasons, risk_class,
         avg_days_late, dishonoured_bills_12m, business_date, state_version, as_of)
       SELECT 'BULK', 'B' || lpad(g::text, 6, '0'), g, 0, 0, 0, 0, g, 0, 0, 'NO_LIMIT', false, '{}', 'A', 0, 0,
              '2026-06-15', 1, now()
         FROM generate_series(1, 100005) g`,
    );
    const all = tokenFor(stack, ['viewer'], '*');
    const res = await get('/v1/companies/BULK/exposures.csv?sort=-total', all)
      .buffer(true)
      .parse((response, done) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => done(null, body));
      })
      .expect(200);
    expect(res.headers['x-total-count']).toBe('100005');
    expect(res.headers['x-row-limit']).toBe('100000');
    expect(res.headers['x-truncated']).toBe('true');
    const lines = (res.body as string).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(100_001);
    expect(lines[1].split(',').slice(1, 2)).toEqual(['B100005']);
    expect(lines[100_000].split(',').slice(1, 2)).toEqual(['B000006']);
    const page = await get('/v1/companies/BULK/exposures?sort=-total&limit=500&offset=100000', all).expect(
      200,
    );
    expect(page.body.total).toBe(100_005);
    expect(ids(page.body)).toEqual(['B000005', 'B000004', 'B000003', 'B000002', 'B000001']);
  });

  describe('GET /customers/:customerId/exposure/documents', () => {
    it('gives, per component, the documents whose sum equals the component amount', async () => {
      for (const id of CUSTOMERS) {
        const exposure = await get(customer(id, '/exposure')).expect(200);
        const res = await get(customer(id, '/exposure/documents?limit=500')).expect(200);
        expect(Object.keys(res.body.components)).toEqual([...COMPONENTS]);
        for (const component of COMPONENTS) {
          const group = res.body.components[component];
          expect({ id, component, amount: group.amount }).toEqual({
            id,
            component,
            amount: exposure.body.components[component],
          });
          expect(group.documentsTotal).toBe(group.amount);
          const cents = group.items.reduce(
            (sum: bigint, d: { amount: string }) => sum + BigInt(d.amount.replace('.', '')),
            0n,
          );
          expect(cents).toBe(BigInt(group.amount.replace('.', '')));
          expect(group.count).toBe(group.items.length);
        }
      }
    });

    it('lists the documents behind each of ALPHA and BETA', async () => {
      const alpha = (await get(customer(ALPHA, '/exposure/documents')).expect(200)).body;
      expect(alpha).toMatchObject({
        companyId: COMPANY,
        customerId: ALPHA,
        customerName: 'Zeta Ricambi S.p.A.',
        businessDate: '2026-06-15',
      });
      const rows = (group: { items: { documentId: string; amount: string }[] }) =>
        group.items.map((d) => [d.documentId, d.amount]);
      expect(rows(alpha.components.orders)).toEqual([
        ['SO-A1', '800.00'],
        ['SO-A2', '1000.00'],
      ]);
      expect(alpha.components.orders.items[0].details).toEqual({
        kind: 'order',
        orderAmount: '3000.00',
        consumed: '2200.00',
      });
      expect(rows(alpha.components.deliveries)).toEqual([['DN-A1', '1200.00']]);
      expect(rows(alpha.components.unpostedInvoices)).toEqual([['INV-A2', '900.00']]);
      expect(rows(alpha.components.receivables)).toEqual([
        ['OI-A1', '500.00'],
        ['OI-A2', '800.00'],
        ['OI-A3', '800.00'],
      ]);
      expect(alpha.components.bills).toEqual({ amount: '0.00', documentsTotal: '0.00', count: 0, items: [] });

      const beta = (await get(customer(BETA, '/exposure/documents')).expect(200)).body;
      expect(rows(beta.components.receivables)).toEqual([
        ['(unallocated ledger balance)', '400.00'],
        ['OI-B1', '300.00'],
        ['OI-B2', '100.00'],
      ]);
      expect(rows(beta.components.bills)).toEqual([['RB-B2', '250.00']]);
    });

    it('gives one component with ?component= and pages its documents, the sums still over all of them', async () => {
      const res = await get(customer(ALPHA, '/exposure/documents?component=orders&limit=1&offset=1')).expect(
        200,
      );
      expect(res.body).toMatchObject({ limit: 1, offset: 1 });
      expect(Object.keys(res.body.components)).toEqual(['orders']);
      expect(res.body.components.orders).toMatchObject({
        amount: '1800.00',
        documentsTotal: '1800.00',
        count: 2,
      });
      expect(res.body.components.orders.items.map((d: { documentId: string }) => d.documentId)).toEqual([
        'SO-A2',
      ]);
      const delta = await get(customer(DELTA, '/exposure/documents?component=unpostedInvoices')).expect(200);
      expect(delta.body.components.unpostedInvoices).toMatchObject({
        amount: '-30.00',
        documentsTotal: '-30.00',
        items: [{ documentId: 'CN-D1', amount: '-30.00', details: { kind: 'credit-note' } }],
      });
    });
  });

  describe('open items and ageing', () => {
    it('lists the open items with residuals, due dates, days overdue and buckets', async () => {
      const res = await get(customer(ALPHA, '/open-items')).expect(200);
      expect(res.body).toMatchObject({
        companyId: COMPANY,
        customerId: ALPHA,
        customerName: 'Zeta Ricambi S.p.A.',
        businessDate: '2026-06-15',
        residualTotal: '2100.00',
        overdueTotal: '1300.00',
        total: 3,
      });
      expect(res.body.items).toEqual([
        {
          openItemId: 'OI-A2',
          amount: '800.00',
          settled: '0.00',
          residual: '800.00',
          dueDate: '2026-03-07',
          daysOverdue: 100,
          bucket: 'over90Days',
        },
        {
          openItemId: 'OI-A1',
          amount: '800.00',
          settled: '300.00',
          residual: '500.00',
          dueDate: '2026-05-01',
          daysOverdue: 45,
          bucket: 'days31To60',
        },
        {
          openItemId: 'OI-A3',
          amount: '800.00',
          settled: '0.00',
          residual: '800.00',
          dueDate: '2026-07-15',
          daysOverdue: 0,
          bucket: 'notDue',
        },
      ]);
      const page = await get(customer(ALPHA, '/open-items?limit=1&offset=1')).expect(200);
      expect(page.body).toMatchObject({ total: 3, residualTotal: '2100.00', limit: 1, offset: 1 });
      expect(page.body.items.map((i: { openItemId: string }) => i.openItemId)).toEqual(['OI-A1']);
    });

    it('leaves out items settled in full unless includeSettled=true', async () => {
      const open = await get(customer(GAMMA, '/open-items')).expect(200);
      expect(open.body).toMatchObject({ items: [], total: 0, residualTotal: '0.00' });
      const all = await get(customer(GAMMA, '/open-items?includeSettled=true')).expect(200);
      expect(all.body.items).toEqual([
        {
          openItemId: 'OI-G1',
          amount: '1000.00',
          settled: '1000.00',
          residual: '0.00',
          dueDate: '2026-05-31',
          daysOverdue: 0,
          bucket: null,
        },
      ]);
    });

    it.each<[string, Record<string, string>, string, string, number]>([
      [
        ALPHA,
        {
          notDue: '800.00',
          days1To30: '0.00',
          days31To60: '500.00',
          days61To90: '0.00',
          over90Days: '800.00',
        },
        '2100.00',
        '1300.00',
        3,
      ],
      [
        BETA,
        { notDue: '0.00', days1To30: '300.00', days31To60: '0.00', days61To90: '100.00', over90Days: '0.00' },
        '400.00',
        '400.00',
        2,
      ],
      [
        GAMMA,
        { notDue: '0.00', days1To30: '0.00', days31To60: '0.00', days61To90: '0.00', over90Days: '0.00' },
        '0.00',
        '0.00',
        0,
      ],
    ])('ages the residuals of %s exactly', async (id, buckets, residualTotal, overdueTotal, openItems) => {
      const res = await get(customer(id, '/ageing')).expect(200);
      expect(res.body).toEqual({
        companyId: COMPANY,
        customerId: id,
        customerName: expect.any(String) as unknown,
        businessDate: '2026-06-15',
        buckets,
        residualTotal,
        overdueTotal,
        openItems,
      });
      const exposure = await get(customer(id, '/exposure')).expect(200);
      expect(overdueTotal).toBe(exposure.body.overdueAmount);
    });

    it("sums the company's buckets over its customers, with per-customer rows", async () => {
      const res = await get(v1('/ageing')).expect(200);
      expect(res.body).toMatchObject({
        companyId: COMPANY,
        buckets: {
          notDue: '800.00',
          days1To30: '300.00',
          days31To60: '500.00',
          days61To90: '100.00',
          over90Days: '800.00',
        },
        residualTotal: '2500.00',
        overdueTotal: '1700.00',
        total: 2,
        limit: 50,
        offset: 0,
      });
      expect(res.body.items).toEqual([
        (await get(customer(ALPHA, '/ageing'))).body,
        (await get(customer(BETA, '/ageing'))).body,
      ]);
      const sorted = await get(v1('/ageing?sort=-days1To30')).expect(200);
      expect(ids(sorted.body)).toEqual([BETA, ALPHA]);
      const page = await get(v1('/ageing?sort=-over90Days&limit=1&offset=1')).expect(200);
      expect(page.body).toMatchObject({ total: 2, buckets: { over90Days: '800.00' } });
      expect(ids(page.body)).toEqual([BETA]);
    });
  });

  it('puts each residual in the right bucket at every boundary (0, 1, 30, 31, 60, 61, 90, 91 days)', async () => {
    const all = tokenFor(stack, ['viewer'], '*');
    const other = `/v1/companies/${OTHER_COMPANY}`;
    const expected = {
      notDue: '1.00',
      days1To30: '6.00',
      days31To60: '24.00',
      days61To90: '96.00',
      over90Days: '128.00',
    };
    const company = await get(`${other}/ageing`, all).expect(200);
    expect(company.body).toMatchObject({
      buckets: expected,
      residualTotal: '255.00',
      overdueTotal: '254.00',
      total: 1,
    });
    const one = await get(`${other}/customers/C-OTHER/ageing`, all).expect(200);
    expect(one.body).toMatchObject({ buckets: expected, openItems: 8 });
    const items = await get(`${other}/customers/C-OTHER/open-items`, all).expect(200);
    expect(
      items.body.items.map((i: { daysOverdue: number; bucket: string }) => [i.daysOverdue, i.bucket]),
    ).toEqual([
      [91, 'over90Days'],
      [90, 'days61To90'],
      [61, 'days61To90'],
      [60, 'days31To60'],
      [31, 'days31To60'],
      [30, 'days1To30'],
      [1, 'days1To30'],
      [0, 'notDue'],
    ]);
  });

  describe('GET /customers/:customerId/payment-behaviour', () => {
    it('gives avgDaysLate, dishonoured bills and risk class with the settlements and bills behind them', async () => {
      const beta = await get(customer(BETA, '/payment-behaviour')).expect(200);
      expect(beta.body).toEqual({
        companyId: COMPANY,
        customerId: BETA,
        customerName: 'Mario Rossi S.r.l.',
        businessDate: '2026-06-15',
        window: { from: '2025-06-16', to: '2026-06-15' },
        avgDaysLate: '29.40',
        dishonouredBills12m: 1,
        riskClass: 'C',
        limit: 50,
        offset: 0,
        settlements: {
          total: 1,
          items: [
            {
              entryId: 'JE-B3',
              openItemId: 'OI-B2',
              amount: '100.00',
              settlementDate: '2026-05-01',
              dueDate: '2026-04-01',
              daysLate: 30,
              countsInAverage: true,
            },
          ],
        },
        dishonouredBills: {
          total: 1,
          items: [
            {
              billId: 'RB-B1',
              amount: '400.00',
              dishonouredOn: '2026-05-25',
              dueDate: '2026-05-20',
              instrument: 'riba',
              inWindow: true,
            },
          ],
        },
      });
      const alpha = await get(customer(ALPHA, '/payment-behaviour')).expect(200);
      expect(alpha.body).toMatchObject({
        avgDaysLate: '67.81',
        dishonouredBills12m: 0,
        riskClass: 'D',
        settlements: {
          total: 1,
          items: [{ entryId: 'JE-A2', openItemId: 'OI-A1', amount: '300.00', daysLate: 20 }],
        },
        dishonouredBills: { total: 0, items: [] },
      });
      const gamma = await get(customer(GAMMA, '/payment-behaviour?limit=1')).expect(200);
      expect(gamma.body).toMatchObject({
        avgDaysLate: '0.00',
        riskClass: 'A',
        limit: 1,
        settlements: { total: 1, items: [{ entryId: 'JE-G2', daysLate: -6, countsInAverage: true }] },
      });
      const page = await get(customer(GAMMA, '/payment-behaviour?offset=1')).expect(200);
      expect(page.body.settlements).toEqual({ total: 1, items: [] });
    });
  });

  describe('GET /customers/:customerId/history', () => {
    it('lists the status changes, overdue changes, blocks and collection events newest first', async () => {
      const res = await get(customer(ALPHA, '/history')).expect(200);
      expect(res.body).toMatchObject({
        companyId: COMPANY,
        customerId: ALPHA,
        total: 5,
        limit: 50,
        offset: 0,
      });
      expect(res.body.items.map((i: { sequence: number; type: string }) => [i.sequence, i.type])).toEqual([
        // 1,300.00 overdue for 100 days: the default policy's level 3 (out of court) on the case (spec 12).
        [5, 'dunning.levelReached'],
        [4, 'overdue.changed'],
        [3, 'customer.blocked'],
        [2, 'overdue.changed'],
        [1, 'exposure.statusChanged'],
      ]);
      expect(res.body.items[0]).toMatchObject({ data: { level: 3, action: 'out-of-court' } });
      expect(res.body.items[1]).toMatchObject({
        kind: 'event',
        causationId: 'a-je2',
        occurredAt: '2026-06-15T08:00:00.000Z',
        data: { overdue: true, overdueAmount: '1300.00', oldestOverdueDays: 100 },
      });
      expect(res.body.items[2].data).toEqual({ reasons: ['OVERDUE'] });
      expect(res.body.items[4].data).toMatchObject({ from: 'NO_LIMIT', to: 'OK', limit: '20000.00' });
    });

    it('filters by type and pages', async () => {
      const changes = await get(customer(GAMMA, '/history?type=exposure.statusChanged')).expect(200);
      expect(changes.body.total).toBe(2);
      expect(
        changes.body.items.map((i: { data: { from: string; to: string } }) => [i.data.from, i.data.to]),
      ).toEqual([
        ['OK', 'WARNING'],
        ['NO_LIMIT', 'OK'],
      ]);
      const blocks = await get(customer(GAMMA, '/history?type=customer.blocked,customer.unblocked')).expect(
        200,
      );
      expect(blocks.body.items.map((i: { type: string }) => i.type)).toEqual([
        'customer.unblocked',
        'customer.blocked',
      ]);
      expect(blocks.body.items[0].data).toEqual({ previousReasons: ['OVERDUE'] });
      const page = await get(customer(GAMMA, '/history?limit=2&offset=1')).expect(200);
      expect(page.body).toMatchObject({ total: 6, limit: 2, offset: 1 });
      expect(page.body.items.map((i: { sequence: number; type: string }) => [i.sequence, i.type])).toEqual([
        [5, 'overdue.changed'],
        [4, 'customer.blocked'],
      ]);
    });

    it('includes the holds of synchronous checks and their decisions, from the hold tables', async () => {
      const holdId = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
      await pg.query(
        `INSERT INTO hold (hold_id, company_id, customer_id, document_type, document_id, amount, exposure_before,
                           exposure_after, limit_amount, excess, reasons, requested_by, sent_by, source,
                           causation_id, status, decided_by, decided_at, decision_reason, created_at)
         VALUES ($1, $2, $3, 'order', 'SO-G2', 2000, 8500, 10500, 10000, 500, '{LIMIT_EXCEEDED}', 'erp-user',
                 'erp-connector', 'api',
                 'req-hold-1', 'released', 'anna', '2026-06-15T09:30:00Z', 'good payer', '2026-06-15T09:00:00Z')`,
        [holdId, COMPANY, DELTA],
      );
      await pg.query(
        `INSERT INTO hold_decision (hold_id, company_id, decision, decided_by, reason, authority, request_id, decided_at)
         VALUES ($1, $2, 'released', 'anna', 'good payer', '{}', 'req-decide-1', '2026-06-15T09:30:00Z')`,
        [holdId, COMPANY],
      );
      const res = await get(customer(DELTA, '/history')).expect(200);
      expect(res.body.total).toBe(2);
      expect(res.body.items).toEqual([
        {
          kind: 'decision',
          type: 'document.released',
          occurredAt: '2026-06-15T09:30:00.000Z',
          sequence: null,
          eventId: null,
          causationId: null,
          data: {
            holdId,
            documentType: 'order',
            documentId: 'SO-G2',
            amount: '2000.00',
            excess: '500.00',
            reasons: ['LIMIT_EXCEEDED'],
            requestedBy: 'erp-user',
            sentBy: 'erp-connector',
            decidedBy: 'anna',
            reason: 'good payer',
          },
        },
        {
          kind: 'hold',
          type: 'document.held',
          occurredAt: '2026-06-15T09:00:00.000Z',
          sequence: null,
          eventId: null,
          causationId: 'req-hold-1',
          data: {
            holdId,
            documentType: 'order',
            documentId: 'SO-G2',
            amount: '2000.00',
            exposureBefore: '8500.00',
            exposureAfter: '10500.00',
            limit: '10000.00',
            excess: '500.00',
            reasons: ['LIMIT_EXCEEDED'],
            requestedBy: 'erp-user',
            sentBy: 'erp-connector',
          },
        },
      ]);
      const released = await get(customer(DELTA, '/history?type=document.released')).expect(200);
      expect(released.body.items.map((i: { kind: string }) => i.kind)).toEqual(['decision']);
      // Not another customer's
      expect(
        (await get(customer(GAMMA, '/history?type=document.released,document.held')).expect(200)).body.total,
      ).toBe(0);
    });
  });

  describe('errors', () => {
    it.each<[string, string]>([
      ['/exposures?limit=0', 'limit must be an integer from 1 to 500'],
      ['/exposures?limit=501', 'limit must be an integer from 1 to 500'],
      ['/exposures?limit=abc', 'limit must be an integer from 1 to 500'],
      ['/exposures?limit=1.5', 'limit must be an integer from 1 to 500'],
      ['/exposures?limit=1&limit=2', 'limit must be an integer from 1 to 500'],
      ['/exposures?offset=-1', 'offset must be an integer from 0 to 1000000000'],
      ['/exposures?status=FOO', 'each value in status must be one of the following values'],
      ['/exposures?status=', 'each value in status must be one of the following values'],
      ['/exposures?blocked=yes', 'blocked must be a boolean value'],
      ['/exposures?riskClass=E', 'each value in riskClass must be one of the following values'],
      ['/exposures?minUtilizationPct=abc', 'minUtilizationPct must be a decimal number'],
      ['/exposures?minUtilizationPct=-5', 'minUtilizationPct must be a decimal number'],
      ['/exposures?q=', 'q must be 1 to 100 characters without control characters'],
      ['/exposures?q=a%01b', 'q must be 1 to 100 characters without control characters'],
      [`/exposures?q=${'x'.repeat(101)}`, 'q must be 1 to 100 characters without control characters'],
      [`/exposures?salesAgentId=${'a'.repeat(129)}`, 'salesAgentId must be a list of agent ids'],
      ['/exposures?salesAgentId=', 'salesAgentId must be a list of agent ids'],
      ['/exposures/summary?limit=1', 'property limit should not exist'],
      [
        '/exposures?sort=name',
        'sort must be one of total, utilization, overdueAmount, customerId, customerName, status',
      ],
      ['/exposures?sort=total;DROP', 'sort must be one of'],
      ['/exposures?sort=--total', 'sort must be one of'],
      ['/exposures?foo=1', 'property foo should not exist'],
      ['/exposures.csv?sort=x', 'sort must be one of'],
      ['/exposures.csv?blocked=1', 'blocked must be a boolean value'],
      ['/ageing?sort=total;', 'sort must be one of customerId, total, notDue'],
      ['/ageing?bucket=1', 'property bucket should not exist'],
      [
        `/customers/${ALPHA}/exposure/documents?component=foo`,
        'component must be one of the following values',
      ],
      [`/customers/${ALPHA}/exposure/documents?limit=0`, 'limit must be an integer from 1 to 500'],
      [`/customers/${ALPHA}/open-items?includeSettled=maybe`, 'includeSettled must be a boolean value'],
      [`/customers/${ALPHA}/open-items?offset=x`, 'offset must be an integer from 0 to 1000000000'],
      [`/customers/${ALPHA}/ageing?asOf=2026-01-01`, 'property asOf should not exist'],
      [`/customers/${ALPHA}/payment-behaviour?limit=9999`, 'limit must be an integer from 1 to 500'],
      [`/customers/${ALPHA}/history?type=foo`, 'each value in type must be one of the following values'],
      [`/customers/${ALPHA}/history?types=customer.blocked`, 'property types should not exist'],
      ['/customers/C%20X/history', 'customerId must match'],
    ])('400 naming the parameter: %s', async (path, message) => {
      const res = await get(v1(path)).expect(400);
      expect(res.body.status).toBe(400);
      expect(res.body.message).toContain(message);
    });

    it.each(['/exposure/documents', '/open-items', '/ageing', '/payment-behaviour', '/history'])(
      '404 for a customer with no events: %s',
      async (path) => {
        const res = await get(customer('NOBODY', path)).expect(404);
        expect(res.body.message).toBe(
          `No exposure for customer NOBODY in company ${COMPANY}: no event for this customer has been received`,
        );
      },
    );

    it.each([
      '/exposures',
      '/exposures.csv',
      '/exposures/summary',
      '/ageing',
      '/customers/C-OTHER/exposure/documents',
      '/customers/C-OTHER/open-items',
      '/customers/C-OTHER/ageing',
      '/customers/C-OTHER/payment-behaviour',
      '/customers/C-OTHER/history',
    ])('403 for a foreign company: %s', async (path) => {
      const res = await get(`/v1/companies/${OTHER_COMPANY}${path}`).expect(403);
      expect(res.body.message).toBe(`no access to company ${OTHER_COMPANY}`);
    });

    it('401 without a token; every role that reads (viewer and up, erp-service) may', async () => {
      await request(api.getHttpServer()).get(v1('/exposures')).expect(401);
      for (const role of ['viewer', 'approver', 'credit-manager', 'admin', 'erp-service'] as const) {
        await get(v1('/exposures?limit=1'), tokenFor(stack, [role], [COMPANY])).expect(200);
      }
    });

    it('lists every reporting route in the OpenAPI document', async () => {
      const res = await request(api.getHttpServer()).get('/docs/openapi.json').expect(200);
      const paths = Object.keys(res.body.paths);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/v1/companies/{companyId}/exposures',
          '/v1/companies/{companyId}/exposures.csv',
          '/v1/companies/{companyId}/ageing',
          '/v1/companies/{companyId}/customers/{customerId}/exposure/documents',
          '/v1/companies/{companyId}/customers/{customerId}/open-items',
          '/v1/companies/{companyId}/customers/{customerId}/ageing',
          '/v1/companies/{companyId}/customers/{customerId}/payment-behaviour',
          '/v1/companies/{companyId}/customers/{customerId}/history',
        ]),
      );
      const list = res.body.paths['/v1/companies/{companyId}/exposures'].get;
      expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining([
          'status',
          'blocked',
          'riskClass',
          'minUtilizationPct',
          'q',
          'sort',
          'limit',
          'offset',
        ]),
      );
    });
  });
});
