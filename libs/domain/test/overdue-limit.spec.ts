/** Spec §4 (open items, overdue) and §5 (limit status, blocks). */
import {
  blockReasons,
  CreditLimit,
  effectiveLimit,
  EffectiveLimit,
  formatMoney,
  limitStatus,
  openItems,
  overdueSummary,
  settlements,
} from '../src';
import { debit, docsOf, ev, instalment, m, params, payment } from './fixtures';

/** Invoice I1 of 1000.00 posted on 2026-01-31 in two instalments. */
const instalments = () =>
  ev.post('E1', '2026-01-31', [
    instalment('I1', 'I1/1', '600.00', '2026-02-28'),
    instalment('I1', 'I1/2', '400.00', '2026-03-31'),
  ]);

const residuals = (docs: ReturnType<typeof docsOf>) =>
  Object.fromEntries([...openItems(docs)].map(([id, item]) => [id, formatMoney(item.residual)]));

const overdue = (docs: ReturnType<typeof docsOf>, date: string, tolerance = 0) => {
  const s = overdueSummary(openItems(docs).values(), date, tolerance);
  return { amount: formatMoney(s.overdueAmount), days: s.oldestOverdueDays, breach: s.breach };
};

describe('open items', () => {
  it('opens one item per debit line with openItemId and dueDate', () => {
    const items = openItems(docsOf(instalments()));
    expect([...items.values()]).toEqual([
      { openItemId: 'I1/1', amount: m('600.00'), dueDate: '2026-02-28', settled: 0n, residual: m('600.00') },
      { openItemId: 'I1/2', amount: m('400.00'), dueDate: '2026-03-31', settled: 0n, residual: m('400.00') },
    ]);
  });

  it('opens nothing for credit lines or debit lines without an item id or a due date', () => {
    const docs = docsOf(
      ev.post('E1', '2026-01-31', [
        debit('10.00'),
        debit('20.00', { openItemId: 'X1' }),
        debit('30.00', { dueDate: '2026-02-28' }),
        { ...payment('5.00', []), openItemId: 'X2', dueDate: '2026-02-28' },
      ]),
    );
    expect(openItems(docs).size).toBe(0);
  });

  it('reduces the residual by partial settlements, dated by the posting date', () => {
    const docs = docsOf(
      instalments(),
      ev.post('E2', '2026-03-05', [payment('250.00', [['I1/1', '250.00']])]),
      ev.post('E3', '2026-03-06', [
        payment('150.00', [
          ['I1/1', '100.00'],
          ['I1/2', '50.00'],
        ]),
      ]),
    );
    expect(residuals(docs)).toEqual({ 'I1/1': '250.00', 'I1/2': '350.00' });
    expect(openItems(docs).get('I1/1')?.settled).toBe(m('350.00'));
    expect(settlements(docs)).toEqual([
      { openItemId: 'I1/1', amount: m('250.00'), date: '2026-03-05', entryId: 'E2' },
      { openItemId: 'I1/1', amount: m('100.00'), date: '2026-03-06', entryId: 'E3' },
      { openItemId: 'I1/2', amount: m('50.00'), date: '2026-03-06', entryId: 'E3' },
    ]);
  });

  it('never lets a residual go below zero', () => {
    const docs = docsOf(
      instalments(),
      ev.post('E2', '2026-03-05', [payment('700.00', [['I1/1', '700.00']])]),
    );
    expect(residuals(docs)).toEqual({ 'I1/1': '0.00', 'I1/2': '400.00' });
  });

  it('applies a settlement that arrived before its item', () => {
    const docs = docsOf(
      ev.post('E2', '2026-03-05', [payment('250.00', [['I1/1', '250.00']])]),
      instalments(),
    );
    expect(residuals(docs)).toEqual({ 'I1/1': '350.00', 'I1/2': '400.00' });
  });

  it('restores the residual when the payment is reversed, and drops the items when the posting is', () => {
    const paid = docsOf(
      instalments(),
      ev.post('E2', '2026-03-05', [payment('600.00', [['I1/1', '600.00']])]),
    );
    expect(residuals(paid)).toEqual({ 'I1/1': '0.00', 'I1/2': '400.00' });
    expect(
      residuals(
        docsOf(
          instalments(),
          ev.post('E2', '2026-03-05', [payment('600.00', [['I1/1', '600.00']])]),
          ev.reverse('E2'),
        ),
      ),
    ).toEqual({
      'I1/1': '600.00',
      'I1/2': '400.00',
    });
    expect(
      settlements(
        docsOf(ev.post('E2', '2026-03-05', [payment('1.00', [['I1/1', '1.00']])]), ev.reverse('E2')),
      ),
    ).toEqual([]);
    expect(openItems(docsOf(instalments(), ev.reverse('E1'))).size).toBe(0);
  });
});

describe('overdueAmount and oldestOverdueDays', () => {
  const docs = () =>
    docsOf(instalments(), ev.post('E2', '2026-03-05', [payment('250.00', [['I1/1', '250.00']])]));

  it('is nothing while no due date has passed (due today is not overdue)', () => {
    expect(overdue(docs(), '2026-02-28')).toEqual({ amount: '0.00', days: 0, breach: false });
  });

  it('counts the residual from the day after the due date', () => {
    expect(overdue(docsOf(instalments()), '2026-03-01')).toEqual({ amount: '600.00', days: 1, breach: true });
    expect(overdue(docs(), '2026-03-10')).toEqual({ amount: '350.00', days: 10, breach: true });
  });

  it('sums every overdue residual and reports the oldest', () => {
    expect(overdue(docs(), '2026-04-02')).toEqual({ amount: '750.00', days: 33, breach: true });
  });

  it('ignores settled items', () => {
    const paid = docsOf(
      instalments(),
      ev.post('E2', '2026-03-05', [payment('600.00', [['I1/1', '600.00']])]),
    );
    expect(overdue(paid, '2026-03-31')).toEqual({ amount: '0.00', days: 0, breach: false });
    expect(overdue(paid, '2026-04-01')).toEqual({ amount: '400.00', days: 1, breach: true });
  });

  it('breaches only beyond the tolerance, while the amount counts from day one', () => {
    expect(overdue(docs(), '2026-03-10', 10)).toEqual({ amount: '350.00', days: 10, breach: false }); // boundary
    expect(overdue(docs(), '2026-03-11', 10)).toEqual({ amount: '350.00', days: 11, breach: true });
  });
});

const limit = (amount: string, extra: Partial<CreditLimit> = {}): CreditLimit => ({
  amount: m(amount),
  mode: 'block',
  attentionThresholdPct: 80,
  validUntil: null,
  temporaryAmount: null,
  temporaryUntil: null,
  blockOnOverdue: true,
  overdueToleranceDays: 0,
  setBy: 'controller',
  reason: null,
  setAt: '2026-03-01T10:15:00+01:00',
  ...extra,
});
const eff = (amount: string, extra: Partial<EffectiveLimit> = {}): EffectiveLimit => ({
  amount: m(amount),
  mode: 'block',
  attentionThresholdPct: 80,
  blockOnOverdue: true,
  overdueToleranceDays: 0,
  expired: false,
  ...extra,
});

describe('effectiveLimit', () => {
  it('is the limit as set while valid, through its validUntil day', () => {
    const set = limit('1000.00', { validUntil: '2026-03-31' });
    expect(effectiveLimit(set, '2026-03-31', params())).toMatchObject({
      amount: m('1000.00'),
      expired: false,
    });
  });

  it('counts as 0 once expired (validUntil < business date)', () => {
    const set = limit('1000.00', { validUntil: '2026-03-31', mode: 'warn', attentionThresholdPct: 90 });
    expect(effectiveLimit(set, '2026-04-01', params())).toMatchObject({
      amount: 0n,
      expired: true,
      mode: 'warn',
      attentionThresholdPct: 90,
    });
  });

  it('never expires without a validUntil', () => {
    expect(effectiveLimit(limit('1000.00'), '2999-12-31', params())?.expired).toBe(false);
  });

  it('follows the missing-limit policy', () => {
    expect(effectiveLimit(null, '2026-03-10', params())).toBeNull();
    expect(effectiveLimit(null, '2026-03-10', params({ missingLimit: 'zero-warn' }))).toMatchObject({
      amount: 0n,
      mode: 'warn',
      expired: false,
    });
    expect(effectiveLimit(null, '2026-03-10', params({ missingLimit: 'zero-block' }))).toMatchObject({
      amount: 0n,
      mode: 'block',
      expired: false,
    });
  });
});

describe('limitStatus', () => {
  it('is NO_LIMIT without a limit', () => {
    expect(limitStatus(m('1000000.00'), null)).toBe('NO_LIMIT');
  });

  it.each([
    ['0.00', 'OK'],
    ['799.99', 'OK'],
    ['800.00', 'WARNING'],
    ['999.99', 'WARNING'],
    ['1000.00', 'WARNING'],
    ['1000.01', 'EXCEEDED'],
    ['-50.00', 'OK'],
  ])('limit 1000.00 at 80 %%: total %s is %s', (totalText, status) => {
    expect(limitStatus(m(totalText), eff('1000.00'))).toBe(status);
  });

  it.each([
    ['333.33', 80, '266.66', 'OK'], // threshold 266.664
    ['333.33', 80, '266.67', 'WARNING'],
    ['1000.00', 100, '999.99', 'OK'],
    ['1000.00', 100, '1000.00', 'WARNING'],
    ['1000.00', 1, '9.99', 'OK'],
    ['1000.00', 1, '10.00', 'WARNING'],
    ['9999999999999.99', 80, '7999999999999.99', 'OK'], // threshold 7999999999999.992
    ['9999999999999.99', 80, '8000000000000.00', 'WARNING'],
  ])('limit %s at %i %%: total %s is %s', (amount, pct, totalText, status) => {
    expect(limitStatus(m(totalText), eff(amount, { attentionThresholdPct: pct }))).toBe(status);
  });

  it('compares with 0 once the limit has expired', () => {
    expect(limitStatus(m('0.01'), eff('0.00', { expired: true }))).toBe('EXCEEDED');
    expect(limitStatus(m('-0.01'), eff('0.00', { expired: true }))).toBe('OK');
  });
});

describe('blockReasons', () => {
  it('never blocks in warn mode', () => {
    expect(blockReasons('EXCEEDED', eff('0.00', { mode: 'warn', expired: true }), true)).toEqual([]);
  });
  it('never blocks without a limit', () => {
    expect(blockReasons('NO_LIMIT', null, true)).toEqual([]);
  });
  it.each([
    ['OK', false, true, false, []],
    ['WARNING', false, true, false, []],
    ['EXCEEDED', false, true, false, ['LIMIT_EXCEEDED']],
    ['OK', true, true, false, ['LIMIT_EXPIRED']],
    ['OK', false, true, true, ['OVERDUE']],
    ['OK', false, false, true, []],
    ['EXCEEDED', true, true, false, ['LIMIT_EXCEEDED', 'LIMIT_EXPIRED']],
    ['EXCEEDED', false, true, true, ['LIMIT_EXCEEDED', 'OVERDUE']],
    ['WARNING', true, true, true, ['LIMIT_EXPIRED', 'OVERDUE']],
    ['EXCEEDED', true, true, true, ['LIMIT_EXCEEDED', 'LIMIT_EXPIRED', 'OVERDUE']],
    ['EXCEEDED', true, false, true, ['LIMIT_EXCEEDED', 'LIMIT_EXPIRED']],
  ] as const)(
    'block mode, status %s, expired %p, blockOnOverdue %p, overdue breach %p: %j',
    (status, expired, blockOnOverdue, breach, reasons) => {
      expect(blockReasons(status, eff('1000.00', { expired, blockOnOverdue }), breach)).toEqual([...reasons]);
    },
  );
});
