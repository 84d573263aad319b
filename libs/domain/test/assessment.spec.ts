/** Spec §5 and §8 through assess(), plus payment behaviour and risk class. */
import {
  assess,
  averageDaysLate,
  BEHAVIOUR_WINDOW_DAYS,
  CompanyParameters,
  CustomerDocuments,
  DEFAULT_PARAMETERS,
  formatMoney,
  openItems,
  PaymentBehaviour,
  paymentBehaviour,
  riskClass,
  settlements,
} from '../src';
import { debit, docsOf, ev, instalment, m, onlyComponents, params, payment } from './fixtures';

const view = (docs: CustomerDocuments, date: string, p: CompanyParameters = params()) => {
  const a = assess(docs, date, p);
  return {
    total: formatMoney(a.total),
    status: a.status,
    limit: a.limitAmount === null ? null : formatMoney(a.limitAmount),
    utilizationPct: a.utilizationPct,
    blocked: a.blocked,
    reasons: a.blockReasons,
  };
};

describe('assess', () => {
  it('reproduces the example of the read API (spec §9)', () => {
    const docs = docsOf(
      ev.order('O1', '1200.00'),
      ev.post('E1', '2026-02-01', [
        debit('350.50', { invoiceRef: 'I1', openItemId: 'I1/1', dueDate: '2026-03-31' }),
      ]),
      ev.limit('5000.00', { mode: 'block', pct: 80 }),
    );
    const a = assess(docs, '2026-03-01', params());
    expect(a.businessDate).toBe('2026-03-01');
    expect(Object.fromEntries(Object.entries(a.components).map(([k, v]) => [k, formatMoney(v)]))).toEqual({
      orders: '1200.00',
      deliveries: '0.00',
      unpostedInvoices: '0.00',
      receivables: '350.50',
      bills: '0.00',
    });
    expect(formatMoney(a.total)).toBe('1550.50');
    expect(formatMoney(a.overdueAmount)).toBe('0.00');
    expect(a.oldestOverdueDays).toBe(0);
    expect(a.overdueBreach).toBe(false);
    expect(a.limit).toMatchObject({
      amount: m('5000.00'),
      mode: 'block',
      attentionThresholdPct: 80,
      validUntil: null,
    });
    expect(a.status).toBe('OK');
    expect(a.utilizationPct).toBe('31.01');
    expect(a.blocked).toBe(false);
    expect(a.blockReasons).toEqual([]);
    expect(a.riskClass).toBe('A');
    expect(a.avgDaysLate).toBe('0.00');
    expect(a.dishonouredBills12m).toBe(0);
  });

  it.each([
    ['799.99', 'OK', false],
    ['800.00', 'WARNING', false],
    ['1000.00', 'WARNING', false],
    ['1000.01', 'EXCEEDED', true],
  ])('limit 1000.00 at 80 %%, block mode: total %s is %s', (amount, status, blocked) => {
    const v = view(docsOf(ev.limit('1000.00', { pct: 80 }), ev.order('O1', amount)), '2026-03-10');
    expect(v).toMatchObject({ total: amount, status, blocked, reasons: blocked ? ['LIMIT_EXCEEDED'] : [] });
  });

  it('never blocks in warn mode', () => {
    const docs = docsOf(
      ev.limit('1000.00', { mode: 'warn', validUntil: '2026-03-01' }),
      ev.order('O1', '5000.00'),
      ev.post('E1', '2026-01-01', [debit('10.00', { openItemId: 'X', dueDate: '2026-01-31' })]),
    );
    const a = assess(docs, '2026-03-10', params());
    expect(a.status).toBe('EXCEEDED');
    expect(a.overdueBreach).toBe(true);
    expect(a.blocked).toBe(false);
    expect(a.blockReasons).toEqual([]);
  });

  it('counts an expired limit as 0 from the day after validUntil, and blocks for it', () => {
    const docs = docsOf(ev.limit('1000.00', { validUntil: '2026-03-31' }), ev.order('O1', '100.00'));
    expect(view(docs, '2026-03-31')).toEqual({
      total: '100.00',
      status: 'OK',
      limit: '1000.00',
      utilizationPct: '10.00',
      blocked: false,
      reasons: [],
    });
    expect(view(docs, '2026-04-01')).toEqual({
      total: '100.00',
      status: 'EXCEEDED',
      limit: '0.00',
      utilizationPct: null,
      blocked: true,
      reasons: ['LIMIT_EXCEEDED', 'LIMIT_EXPIRED'],
    });
    // the limit as set is still shown
    expect(assess(docs, '2026-04-01', params()).limit?.amount).toBe(m('1000.00'));
    // nothing exposed: total 0 >= 0 x 80 / 100, so WARNING, and blocked for the expiry alone
    expect(view(docsOf(ev.limit('1000.00', { validUntil: '2026-03-31' })), '2026-04-01')).toMatchObject({
      status: 'WARNING',
      reasons: ['LIMIT_EXPIRED'],
    });
  });

  it('is NO_LIMIT again once the limit is removed', () => {
    const docs = docsOf(ev.limit('10.00'), ev.order('O1', '100.00'), ev.removeLimit());
    expect(view(docs, '2026-03-10')).toEqual({
      total: '100.00',
      status: 'NO_LIMIT',
      limit: null,
      utilizationPct: null,
      blocked: false,
      reasons: [],
    });
    expect(assess(docs, '2026-03-10', params()).limit).toBeNull();
  });

  it('applies the latest limit set', () => {
    const docs = docsOf(ev.limit('10.00'), ev.order('O1', '100.00'), ev.limit('200.00', { pct: 50 }));
    expect(view(docs, '2026-03-10')).toMatchObject({
      status: 'WARNING',
      limit: '200.00',
      utilizationPct: '50.00',
    });
  });

  describe('a missing limit', () => {
    const overdueDocs = () =>
      docsOf(
        ev.order('O1', '100.00'),
        ev.post('E1', '2026-01-01', [debit('10.00', { openItemId: 'X', dueDate: '2026-01-31' })]),
      );
    it('is NO_LIMIT and never blocks by default', () => {
      const a = assess(overdueDocs(), '2026-03-10', params());
      expect(a).toMatchObject({
        status: 'NO_LIMIT',
        blocked: false,
        limitAmount: null,
        utilizationPct: null,
      });
      expect(a.overdueBreach).toBe(true);
      expect(formatMoney(a.overdueAmount)).toBe('10.00');
    });
    it('is a zero limit that warns with missingLimit zero-warn', () => {
      expect(view(overdueDocs(), '2026-03-10', params({ missingLimit: 'zero-warn' }))).toEqual({
        total: '110.00',
        status: 'EXCEEDED',
        limit: '0.00',
        utilizationPct: null,
        blocked: false,
        reasons: [],
      });
    });
    it('is a zero limit that blocks with missingLimit zero-block', () => {
      expect(view(overdueDocs(), '2026-03-10', params({ missingLimit: 'zero-block' }))).toMatchObject({
        status: 'EXCEEDED',
        blocked: true,
        reasons: ['LIMIT_EXCEEDED', 'OVERDUE'],
      });
      expect(
        view(docsOf(ev.customer('new')), '2026-03-10', params({ missingLimit: 'zero-block' })),
      ).toMatchObject({
        status: 'WARNING', // 0 >= 0
        blocked: false,
      });
    });
  });

  describe('overdue breach (business date - dueDate > overdueToleranceDays)', () => {
    const docs = (blockOnOverdue = true) =>
      docsOf(
        ev.limit('10000.00', { toleranceDays: 5, blockOnOverdue }),
        ev.post('E1', '2026-01-31', [instalment('I1', 'I1/1', '600.00', '2026-02-28')]),
      );
    it('is not a breach on the last tolerated day', () => {
      const a = assess(docs(), '2026-03-05', params());
      expect(a).toMatchObject({ overdueBreach: false, oldestOverdueDays: 5, blocked: false });
      expect(formatMoney(a.overdueAmount)).toBe('600.00');
    });
    it('blocks the day after', () => {
      expect(assess(docs(), '2026-03-06', params())).toMatchObject({
        overdueBreach: true,
        oldestOverdueDays: 6,
        blocked: true,
        blockReasons: ['OVERDUE'],
        status: 'OK',
      });
    });
    it('does not block when blockOnOverdue is false', () => {
      expect(assess(docs(false), '2026-03-06', params())).toMatchObject({
        overdueBreach: true,
        blocked: false,
      });
    });
    it('ends when the item is paid', () => {
      const paid = docsOf(
        ev.limit('10000.00', { toleranceDays: 5 }),
        ev.post('E1', '2026-01-31', [instalment('I1', 'I1/1', '600.00', '2026-02-28')]),
        ev.post('E2', '2026-03-07', [payment('600.00', [['I1/1', '600.00']])]),
      );
      expect(assess(paid, '2026-03-10', params())).toMatchObject({
        overdueBreach: false,
        blocked: false,
        overdueAmount: 0n,
      });
    });
  });

  it('counts only the included components in the total and the status', () => {
    const docs = docsOf(ev.limit('1000.00'), ev.order('O1', '5000.00'), ev.invoice('I1', '100.00'));
    const a = assess(docs, '2026-03-10', onlyComponents('unpostedInvoices', 'receivables', 'bills'));
    expect(formatMoney(a.components.orders)).toBe('5000.00');
    expect(formatMoney(a.total)).toBe('100.00');
    expect(a.status).toBe('OK');
    expect(a.utilizationPct).toBe('10.00');
  });

  it('shows a negative utilization when the customer holds a credit', () => {
    const docs = docsOf(ev.limit('1000.00'), ev.post('E1', '2026-03-01', [payment('0.20', [])]));
    expect(view(docs, '2026-03-10')).toMatchObject({ total: '-0.20', status: 'OK', utilizationPct: '-0.02' });
  });
});

describe('payment behaviour (spec §8)', () => {
  /** Item due 2026-01-31: 400.00 paid 6 days early, 600.00 paid 10 days late. */
  const paidLate = () =>
    docsOf(
      ev.post('E1', '2026-01-01', [instalment('I1', 'I1/1', '1000.00', '2026-01-31')]),
      ev.post('E2', '2026-01-25', [payment('400.00', [['I1/1', '400.00']])]),
      ev.post('E3', '2026-02-10', [payment('600.00', [['I1/1', '600.00']])]),
    );
  const behaviour = (docs: CustomerDocuments, date: string) =>
    paymentBehaviour(docs, openItems(docs), settlements(docs), date);

  it('weights days late by amount, early payments counting as 0 days', () => {
    const b = behaviour(paidLate(), '2026-03-10');
    expect(b).toEqual({
      lateDayCents: m('600.00') * 10n,
      weightCents: m('1000.00'),
      dishonouredBills12m: 0,
    });
    expect(averageDaysLate(b)).toBe('6.00'); // (600 x 10 + 400 x 0) / 1000
    expect(riskClass(b, DEFAULT_PARAMETERS)).toBe('B');
    expect(assess(paidLate(), '2026-03-10', params())).toMatchObject({ avgDaysLate: '6.00', riskClass: 'B' });
  });

  it('adds every unpaid overdue residual, late until the business date (a customer who never pays is not A)', () => {
    // 1000.00 due 2026-01-31: 400.00 paid 5 days late, 600.00 still open.
    const docs = docsOf(
      ev.post('E1', '2026-01-01', [instalment('I1', 'I1/1', '1000.00', '2026-01-31')]),
      ev.post('E2', '2026-02-05', [payment('400.00', [['I1/1', '400.00']])]),
    );
    expect(behaviour(docs, '2026-01-31')).toEqual({
      lateDayCents: 0n,
      weightCents: 0n,
      dishonouredBills12m: 0,
    });
    // On 2026-03-02 the residual is 30 days late: (400 x 5 + 600 x 30) / 1000 = 20.
    expect(behaviour(docs, '2026-03-02')).toEqual({
      lateDayCents: m('400.00') * 5n + m('600.00') * 30n,
      weightCents: m('1000.00'),
      dishonouredBills12m: 0,
    });
    expect(assess(docs, '2026-03-02', params())).toMatchObject({ avgDaysLate: '20.00', riskClass: 'B' });
    expect(assess(docs, '2026-03-03', params())).toMatchObject({ avgDaysLate: '20.60', riskClass: 'C' });
    // Never paid at all: the residual alone.
    const never = docsOf(ev.post('E1', '2026-01-01', [instalment('I1', 'I1/1', '1000.00', '2026-01-31')]));
    expect(assess(never, '2026-03-22', params())).toMatchObject({ avgDaysLate: '50.00', riskClass: 'D' });
  });

  it('counts a payment on the due date as on time', () => {
    const docs = docsOf(
      ev.post('E1', '2026-01-01', [instalment('I1', 'I1/1', '100.00', '2026-01-31')]),
      ev.post('E2', '2026-01-31', [payment('100.00', [['I1/1', '100.00']])]),
    );
    expect(averageDaysLate(behaviour(docs, '2026-03-10'))).toBe('0.00');
  });

  it('rounds the average half up to two decimals', () => {
    // The item is settled in full, so only the two payments count.
    const docs = (lateCents: string, onTime: string, days: string) =>
      docsOf(
        ev.post('E1', '2026-01-01', [
          instalment('I1', 'I1/1', formatMoney(m(lateCents) + m(onTime)), '2026-01-31'),
        ]),
        ev.post('E2', days, [payment(lateCents, [['I1/1', lateCents]])]),
        ev.post('E3', '2026-01-31', [payment(onTime, [['I1/1', onTime]])]),
      );
    expect(averageDaysLate(behaviour(docs('0.01', '1.99', '2026-02-01'), '2026-03-10'))).toBe('0.01'); // 0.005
    expect(averageDaysLate(behaviour(docs('0.01', '2.00', '2026-02-01'), '2026-03-10'))).toBe('0.00'); // 0.00497
    expect(averageDaysLate(behaviour(docs('0.01', '0.02', '2026-02-02'), '2026-03-10'))).toBe('0.67'); // 2/3
    expect(averageDaysLate(behaviour(docs('0.02', '0.01', '2026-02-01'), '2026-03-10'))).toBe('0.67'); // 2/3
  });

  it('only counts settlements of the last 365 days, up to the business date', () => {
    expect(BEHAVIOUR_WINDOW_DAYS).toBe(365);
    const avg = (date: string) => averageDaysLate(behaviour(paidLate(), date));
    expect(avg('2026-02-09')).toBe('0.00'); // the late payment is not there yet
    expect(avg('2027-01-24')).toBe('6.00'); // the early payment is 364 days old
    expect(avg('2027-01-25')).toBe('10.00'); // ... now 365: out of the window
    expect(avg('2027-02-09')).toBe('10.00');
    expect(avg('2027-02-10')).toBe('0.00'); // nothing left
  });

  it('ignores reversed payments and settlements of unknown items', () => {
    const docs = docsOf(
      ev.post('E1', '2026-01-01', [instalment('I1', 'I1/1', '1000.00', '2026-01-31')]),
      ev.post('E2', '2026-03-01', [payment('600.00', [['I1/1', '600.00']])]),
      ev.reverse('E2'),
      ev.post('E3', '2026-03-01', [payment('5.00', [['nope', '5.00']])]),
    );
    // Nothing counts as paid: the whole 1000.00 is unpaid, 38 days late on 2026-03-10.
    expect(behaviour(docs, '2026-03-10')).toEqual({
      lateDayCents: m('1000.00') * 38n,
      weightCents: m('1000.00'),
      dishonouredBills12m: 0,
    });
  });

  it('counts the bills dishonoured in the last 365 days', () => {
    const docs = docsOf(
      ev.bill('B1', '100.00', '2026-02-28'),
      ev.dishonourBill('B1', '2026-03-01'),
      ev.bill('B2', '100.00', '2026-02-28'),
      ev.collectBill('B2', '2026-03-01'),
      ev.bill('B3', '100.00', '2026-02-28'),
      ev.cancelBill('B3', '2026-03-01'),
      ev.bill('B4', '100.00', '2025-02-28'),
      ev.dishonourBill('B4', '2025-03-01'),
    );
    const count = (date: string) => behaviour(docs, date).dishonouredBills12m;
    expect(count('2026-02-28')).toBe(1); // B4 364 days ago, B1 not yet
    expect(count('2026-03-01')).toBe(1); // B1 today, B4 365 days ago
    expect(count('2027-02-28')).toBe(1);
    expect(count('2027-03-01')).toBe(0);
    expect(assess(docs, '2026-03-10', params())).toMatchObject({ dishonouredBills12m: 1, riskClass: 'B' });
  });
});

describe('risk class', () => {
  /** A behaviour with an exact average of lateDayCents / weightCents days. */
  const b = (lateDayCents: bigint, weightCents: bigint, dishonouredBills12m = 0): PaymentBehaviour => ({
    lateDayCents,
    weightCents,
    dishonouredBills12m,
  });
  const avg = (days: string, dishonoured = 0) => b(m(days), 100n, dishonoured); // days x 100 / 100

  it.each([
    [avg('0'), 'A'],
    [b(0n, 0n), 'A'], // nothing paid yet
    [avg('5.00'), 'A'],
    [b(5001n, 1000n), 'B'], // 5.001 days: shown as 5.00, but not <= 5
    [avg('5.01'), 'B'],
    [avg('0', 1), 'B'],
    [avg('20.00', 1), 'B'],
    [avg('20.01'), 'C'],
    [avg('0', 2), 'C'],
    [avg('45.00', 2), 'C'],
    [avg('45.01'), 'D'],
    [avg('0', 3), 'D'],
    [avg('5.00', 3), 'D'],
  ])('%p is %s with the default thresholds', (behaviour, cls) => {
    expect(riskClass(behaviour, DEFAULT_PARAMETERS)).toBe(cls);
  });

  it('shows the exact average that the class compares', () => {
    expect(averageDaysLate(b(5001n, 1000n))).toBe('5.00');
    expect(averageDaysLate(b(0n, 0n))).toBe('0.00');
  });

  it('uses the company thresholds', () => {
    const strict = params({
      riskClasses: {
        A: { maxAvgDaysLate: 0, maxDishonouredBills: 0 },
        B: { maxAvgDaysLate: 2, maxDishonouredBills: 0 },
        C: { maxAvgDaysLate: 10, maxDishonouredBills: 5 },
      },
    });
    expect(riskClass(avg('0'), strict)).toBe('A');
    expect(riskClass(avg('0.01'), strict)).toBe('B');
    expect(riskClass(avg('2.00'), strict)).toBe('B');
    expect(riskClass(avg('0', 1), strict)).toBe('C');
    expect(riskClass(avg('10.00', 5), strict)).toBe('C');
    expect(riskClass(avg('10.01'), strict)).toBe('D');
    expect(riskClass(avg('0', 6), strict)).toBe('D');
  });
});
