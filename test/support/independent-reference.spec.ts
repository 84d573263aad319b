import {
  daysFrom,
  formatCents,
  IndependentReference,
  InputRole,
  localDate,
  parseCents,
  ReferenceParameters,
  roundedHundredths,
  SPEC_DEFAULT_PARAMETERS,
} from './independent-reference';

/**
 * Hand-computed cases of the specification (sections 3-5 and 8), so the
 * reference the faults suite trusts is itself checked against the text.
 */

let sequence = 0;
function message(
  type: string,
  data: object,
  options: { eventId?: string; at?: string; customerId?: string } = {},
) {
  return JSON.stringify({
    eventId: options.eventId ?? `e-${++sequence}`,
    type,
    schemaVersion: 1,
    occurredAt: options.at ?? '2026-03-01T10:00:00+01:00',
    companyId: 'IT01',
    customerId: options.customerId ?? 'C1',
    data,
  });
}

const ROLE: Record<string, InputRole> = {
  order: 'documents',
  delivery: 'documents',
  invoice: 'documents',
  journal: 'journalEntries',
  bill: 'billPortfolio',
  creditLimit: 'creditLimits',
};

function referenceOf(...messages: string[]): IndependentReference {
  const reference = new IndependentReference();
  for (const m of messages) reference.apply(ROLE[JSON.parse(m).type.split('.')[0]], m);
  return reference;
}

const on = (reference: IndependentReference, date: string, params: Partial<ReferenceParameters> = {}) =>
  reference.exposure('IT01:C1', date, { ...SPEC_DEFAULT_PARAMETERS, ...params });

const posting = (entryId: string, postingDate: string, lines: object[]) =>
  message('journal.posted', { entryId, postingDate, lines });

describe('independent reference: money and dates', () => {
  it('reads decimal strings to cents and writes two decimals', () => {
    expect([parseCents('12.5', 'a'), parseCents('-0.05', 'a'), parseCents('7', 'a')]).toEqual([
      1250n,
      -5n,
      700n,
    ]);
    expect([formatCents(-5n), formatCents(123456n), formatCents(0n)]).toEqual(['-0.05', '1234.56', '0.00']);
    expect(() => parseCents(12.5, 'amount')).toThrow(/amount: money must be a string/);
    expect(() => parseCents('1.234', 'amount')).toThrow(/not a money string/);
  });

  it('counts calendar days across month ends and leap years', () => {
    expect(daysFrom('2026-02-28', '2026-03-01')).toBe(1);
    expect(daysFrom('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysFrom('2026-03-20', '2026-03-05')).toBe(-15);
  });

  it('finds the business date in each time zone (section 2)', () => {
    const instant = new Date('2026-03-10T23:30:00Z');
    expect(localDate(instant, 'Europe/Rome')).toBe('2026-03-11');
    expect(localDate(instant, 'America/New_York')).toBe('2026-03-10');
    expect(localDate(instant, 'Asia/Tokyo')).toBe('2026-03-11');
  });

  it('rounds an average half up to hundredths', () => {
    expect([roundedHundredths(1n, 3n), roundedHundredths(2n, 3n), roundedHundredths(1n, 8n)]).toEqual([
      '0.33',
      '0.67',
      '0.13',
    ]);
    expect(roundedHundredths(5n, 0n)).toBe('0.00');
  });
});

describe('independent reference: components (section 4)', () => {
  it('moves an amount from orders to deliveries to unposted invoices to receivables', () => {
    const order = message('order.confirmed', { orderId: 'O1', amount: '1000.00' });
    const delivery = message('delivery.issued', {
      deliveryId: 'D1',
      amount: '400.00',
      orderRefs: [{ orderId: 'O1', amount: '400.00' }],
    });
    const invoice = message('invoice.issued', {
      invoiceId: 'F1',
      kind: 'invoice',
      amount: '400.00',
      deliveryRefs: [{ deliveryId: 'D1', amount: '400.00' }],
    });
    const posted = posting('J1', '2026-03-02', [
      {
        lineId: '1',
        side: 'debit',
        amount: '400.00',
        invoiceRef: 'F1',
        openItemId: 'F1/1',
        dueDate: '2026-04-30',
      },
    ]);
    expect(on(referenceOf(order, delivery), '2026-03-02').components).toEqual({
      orders: '600.00',
      deliveries: '400.00',
      unpostedInvoices: '0.00',
      receivables: '0.00',
      bills: '0.00',
    });
    expect(on(referenceOf(order, delivery, invoice), '2026-03-02').components).toMatchObject({
      deliveries: '0.00',
      unpostedInvoices: '400.00',
    });
    const all = on(referenceOf(order, delivery, invoice, posted), '2026-03-02');
    expect(all.components).toMatchObject({
      orders: '600.00',
      unpostedInvoices: '0.00',
      receivables: '400.00',
    });
    expect(all.total).toBe('1000.00');
  });

  it('takes references to documents not seen yet into account when they arrive, in any order', () => {
    const order = message('order.confirmed', { orderId: 'O1', amount: '100.00' });
    const delivery = message('delivery.issued', {
      deliveryId: 'D1',
      amount: '150.00',
      orderRefs: [{ orderId: 'O1', amount: '150.00' }],
    });
    const early = on(referenceOf(delivery, order), '2026-03-02');
    expect(early.components).toMatchObject({ orders: '0.00', deliveries: '150.00' });
    expect(early).toEqual(on(referenceOf(order, delivery), '2026-03-02'));
  });

  it('voids cancelled documents, keeps closed ones closed and subtracts credit notes', () => {
    const reference = referenceOf(
      message('order.confirmed', { orderId: 'O1', amount: '500.00' }),
      message('delivery.issued', {
        deliveryId: 'D1',
        amount: '200.00',
        orderRefs: [{ orderId: 'O1', amount: '200.00' }],
      }),
      message('delivery.cancelled', { deliveryId: 'D1' }),
      message('order.closed', { orderId: 'O2', reason: 'cancelled' }),
      message('order.confirmed', { orderId: 'O2', amount: '900.00' }, { at: '2026-03-01T11:00:00+01:00' }),
      message('invoice.issued', { invoiceId: 'NC1', kind: 'credit-note', amount: '50.00' }),
    );
    expect(on(reference, '2026-03-02').components).toMatchObject({
      orders: '500.00',
      deliveries: '0.00',
      unpostedInvoices: '-50.00',
    });
  });

  it('applies an eventId once and ignores an upsert older than the one applied', () => {
    const first = message(
      'order.confirmed',
      { orderId: 'O1', amount: '300.00' },
      { eventId: 'x', at: '2026-03-02T10:00:00+01:00' },
    );
    const resent = message('order.confirmed', { orderId: 'O1', amount: '999.00' }, { eventId: 'x' });
    const older = message(
      'order.confirmed',
      { orderId: 'O1', amount: '111.00' },
      { at: '2026-03-01T08:00:00Z' },
    );
    expect(on(referenceOf(first, resent, older), '2026-03-02').components.orders).toBe('300.00');
  });

  it('keeps a bill at risk until dueDate + billRiskDays, then presumes it collected', () => {
    const bill = message('bill.issued', {
      billId: 'B1',
      amount: '1000.00',
      dueDate: '2026-03-01',
      instrument: 'riba',
    });
    const reference = referenceOf(bill);
    expect(on(reference, '2026-03-16').components.bills).toBe('1000.00');
    expect(on(reference, '2026-03-17').components.bills).toBe('0.00');
    expect(on(reference, '2026-03-06', { billRiskDays: 5 }).components.bills).toBe('1000.00');
    expect(on(reference, '2026-03-07', { billRiskDays: 5 }).components.bills).toBe('0.00');
    const dishonoured = referenceOf(
      bill,
      message('bill.dishonoured', { billId: 'B1', dishonouredAt: '2026-03-03' }),
    );
    expect(on(dishonoured, '2026-03-04').components.bills).toBe('0.00');
  });

  it('leaves components a company switched off out of the total', () => {
    const reference = referenceOf(
      message('order.confirmed', { orderId: 'O1', amount: '100.00' }),
      message('invoice.issued', { invoiceId: 'F1', kind: 'invoice', amount: '40.00' }),
    );
    const params = { includedComponents: { ...SPEC_DEFAULT_PARAMETERS.includedComponents, orders: false } };
    expect(on(reference, '2026-03-02', params).total).toBe('40.00');
  });
});

describe('independent reference: overdue, limit status and blocks (sections 4-5)', () => {
  const item = posting('J1', '2026-02-01', [
    { lineId: '1', side: 'debit', amount: '500.00', openItemId: 'OI1', dueDate: '2026-03-05' },
  ]);
  const payment = posting('J2', '2026-03-10', [
    { lineId: '1', side: 'credit', amount: '200.00', settles: [{ openItemId: 'OI1', amount: '200.00' }] },
  ]);
  const limit = (data: object) =>
    message('creditLimit.set', { amount: '10000.00', mode: 'block', setBy: 'maria', ...data });

  it('sums overdue residuals and counts the days of the oldest', () => {
    const e = on(referenceOf(item, payment), '2026-03-20');
    expect([e.overdueAmount, e.oldestOverdueDays, e.components.receivables]).toEqual([
      '300.00',
      15,
      '300.00',
    ]);
    expect(on(referenceOf(item, payment), '2026-03-05').overdueAmount).toBe('0.00');
  });

  it('blocks for overdue items only past the tolerance, and only in block mode', () => {
    const tolerant = referenceOf(item, limit({ overdueToleranceDays: 15 }));
    expect(on(tolerant, '2026-03-20')).toMatchObject({ status: 'OK', blocked: false });
    expect(on(tolerant, '2026-03-21')).toMatchObject({ blocked: true, blockReasons: ['OVERDUE'] });
    expect(on(referenceOf(item, limit({ mode: 'warn' })), '2026-03-21').blocked).toBe(false);
    expect(on(referenceOf(item, limit({ blockOnOverdue: false })), '2026-03-21').blocked).toBe(false);
  });

  it('puts WARNING at the attention threshold and EXCEEDED above the limit, on exact cents', () => {
    const at = (amount: string) =>
      on(
        referenceOf(message('order.confirmed', { orderId: 'O1', amount }), limit({ amount: '1000.00' })),
        '2026-03-02',
      ).status;
    expect([at('799.99'), at('800.00'), at('1000.00'), at('1000.01')]).toEqual([
      'OK',
      'WARNING',
      'WARNING',
      'EXCEEDED',
    ]);
  });

  it('counts an expired limit as zero and blocks for it', () => {
    const reference = referenceOf(
      message('order.confirmed', { orderId: 'O1', amount: '10.00' }),
      limit({ amount: '1000.00', validUntil: '2026-03-10' }),
    );
    expect(on(reference, '2026-03-10')).toMatchObject({ status: 'OK', blocked: false });
    expect(on(reference, '2026-03-11')).toMatchObject({
      status: 'EXCEEDED',
      blockReasons: ['LIMIT_EXCEEDED', 'LIMIT_EXPIRED'],
    });
  });

  it('treats a missing limit as the company says', () => {
    const reference = referenceOf(message('order.confirmed', { orderId: 'O1', amount: '10.00' }));
    expect(on(reference, '2026-03-02')).toMatchObject({ status: 'NO_LIMIT', blocked: false });
    expect(on(reference, '2026-03-02', { missingLimit: 'zero-warn' })).toMatchObject({
      status: 'EXCEEDED',
      blocked: false,
    });
    expect(on(reference, '2026-03-02', { missingLimit: 'zero-block' })).toMatchObject({
      status: 'EXCEEDED',
      blockReasons: ['LIMIT_EXCEEDED'],
    });
    const removed = referenceOf(limit({}), message('creditLimit.removed', { removedBy: 'maria' }));
    expect(on(removed, '2026-03-02').status).toBe('NO_LIMIT');
  });
});

describe('independent reference: payment behaviour and risk class (section 8)', () => {
  const item = posting('J1', '2026-02-01', [
    { lineId: '1', side: 'debit', amount: '500.00', openItemId: 'OI1', dueDate: '2026-03-05' },
  ]);
  const paidLate = posting('J2', '2026-03-10', [
    { lineId: '1', side: 'credit', amount: '200.00', settles: [{ openItemId: 'OI1', amount: '200.00' }] },
  ]);

  it('weights settlements by amount and adds the unpaid overdue residuals (a customer who never pays is not A)', () => {
    // 200.00 paid 5 days late, 300.00 still unpaid 15 days after the due date: (200x5 + 300x15) / 500 = 11.
    const e = on(referenceOf(item, paidLate), '2026-03-20');
    expect([e.avgDaysLate, e.riskClass]).toEqual(['11.00', 'B']);
    // On the day of the payment both are 5 days late: 5.00, class A; a settlement dated later does not count yet.
    expect(on(referenceOf(item, paidLate), '2026-03-10')).toMatchObject({
      avgDaysLate: '5.00',
      riskClass: 'A',
    });
    expect(on(referenceOf(item, paidLate), '2026-03-09')).toMatchObject({
      avgDaysLate: '4.00',
      riskClass: 'A',
    });
    // Never paid: 46 days late on 2026-04-20 is D.
    expect(on(referenceOf(item), '2026-04-20')).toMatchObject({ avgDaysLate: '46.00', riskClass: 'D' });
  });

  it('forgets settlements older than 365 days and counts dishonoured bills of the last 365 days', () => {
    expect(on(referenceOf(item, paidLate), '2027-03-09').avgDaysLate).not.toBe('0.00');
    const settledInFull = posting('J3', '2026-03-10', [
      { lineId: '1', side: 'credit', amount: '300.00', settles: [{ openItemId: 'OI1', amount: '300.00' }] },
    ]);
    expect(on(referenceOf(item, paidLate, settledInFull), '2027-03-09').avgDaysLate).toBe('5.00');
    expect(on(referenceOf(item, paidLate, settledInFull), '2027-03-10').avgDaysLate).toBe('0.00');
    const bill = message('bill.issued', {
      billId: 'B1',
      amount: '100.00',
      dueDate: '2026-03-01',
      instrument: 'riba',
    });
    const unpaid = message('bill.dishonoured', { billId: 'B1', dishonouredAt: '2026-03-02T09:00:00+01:00' });
    const reference = referenceOf(bill, unpaid);
    expect(on(reference, '2026-03-02')).toMatchObject({ dishonouredBills12m: 1, riskClass: 'B' });
    expect(on(reference, '2027-03-01').dishonouredBills12m).toBe(1);
    expect(on(reference, '2027-03-02')).toMatchObject({ dishonouredBills12m: 0, riskClass: 'A' });
  });

  it('applies the company thresholds of the classes', () => {
    const strict = {
      riskClasses: {
        ...SPEC_DEFAULT_PARAMETERS.riskClasses,
        B: { maxAvgDaysLate: 10, maxDishonouredBills: 1 },
      },
    };
    expect(on(referenceOf(item, paidLate), '2026-03-20', strict).riskClass).toBe('C');
  });
});
