import fc from 'fast-check';
import { debit, docsOf, ev, instalment, m, params, payment } from '../test/fixtures';
import {
  addDays,
  AGEING_BUCKETS,
  ageingBuckets,
  applyFacts,
  BreakdownRow,
  components,
  COMPONENTS,
  dishonouredBills,
  emptyDocuments,
  exposureBreakdown,
  Fact,
  formatMoney,
  JournalLine,
  openItems,
  settlementHistory,
  sum,
  UNALLOCATED_LEDGER_BALANCE,
} from '.';

const TODAY = '2026-04-15';
const amounts = (rows: BreakdownRow[]) => rows.map((r) => [r.documentId, formatMoney(r.amount)]);

describe('exposureBreakdown', () => {
  it('lists open orders and delivery notes with their residuals', () => {
    const docs = docsOf(
      ev.order('SO-1', '1000.00'),
      ev.order('SO-2', '300.00'),
      ev.order('SO-3', '50.00'),
      ev.closeOrder('SO-3'),
      ev.delivery('DN-1', '400.00', [['SO-1', '400.00']]),
      ev.delivery('DN-2', '350.00', [['SO-2', '350.00']]),
      ev.invoice('INV-1', '150.00', { deliveryRefs: [['DN-1', '150.00']] }),
    );
    const b = exposureBreakdown(docs, TODAY, params());
    expect(amounts(b.orders)).toEqual([
      ['SO-1', '600.00'],
      ['SO-2', '0.00'],
    ]);
    expect(b.orders[0].details).toEqual({ kind: 'order', orderAmount: m('1000.00'), consumed: m('400.00') });
    expect(amounts(b.deliveries)).toEqual([
      ['DN-1', '250.00'],
      ['DN-2', '350.00'],
    ]);
    expect(b.deliveries[0].details).toMatchObject({
      kind: 'delivery',
      deliveryAmount: m('400.00'),
      invoiced: m('150.00'),
    });
    expect(amounts(b.unpostedInvoices)).toEqual([['INV-1', '150.00']]);
  });

  it('gives unposted credit notes a negative value and drops posted invoices', () => {
    const docs = docsOf(
      ev.invoice('INV-1', '500.00'),
      ev.invoice('INV-2', '200.00'),
      ev.creditNote('CN-1', '80.00'),
      ev.post('JE-1', '2026-03-01', [instalment('INV-1', 'OI-1', '500.00', '2026-03-31')]),
    );
    const b = exposureBreakdown(docs, TODAY, params());
    expect(amounts(b.unpostedInvoices)).toEqual([
      ['INV-2', '200.00'],
      ['CN-1', '-80.00'],
    ]);
    expect(b.unpostedInvoices[1].details.kind).toBe('credit-note');
  });

  it('explains the ledger balance by open items plus an unallocated line', () => {
    const docs = docsOf(
      ev.post('JE-1', '2026-03-01', [
        instalment('INV-1', 'OI-1', '300.00', '2026-03-31'),
        instalment('INV-1', 'OI-2', '300.00', '2026-04-30'),
      ]),
      ev.post('JE-2', '2026-04-05', [payment('100.00', [['OI-1', '100.00']])]),
      ev.post('JE-3', '2026-04-06', [debit('25.50')]), // a manual debit without an open item
    );
    const b = exposureBreakdown(docs, TODAY, params());
    expect(amounts(b.receivables)).toEqual([
      ['OI-1', '200.00'],
      ['OI-2', '300.00'],
      [UNALLOCATED_LEDGER_BALANCE, '25.50'],
    ]);
    expect(b.receivables[0].details).toEqual({
      kind: 'open-item',
      dueDate: '2026-03-31',
      itemAmount: m('300.00'),
      settled: m('100.00'),
      daysOverdue: 15,
    });
    expect(sum(b.receivables.map((r) => r.amount))).toBe(components(docs, TODAY, params()).receivables);
  });

  it('puts an overpayment in the unallocated line, and never reuses an open item id for it', () => {
    const docs = docsOf(
      ev.post('JE-1', '2026-03-01', [
        instalment('INV-1', UNALLOCATED_LEDGER_BALANCE, '100.00', '2026-03-31'),
      ]),
      ev.post('JE-2', '2026-04-05', [payment('130.00', [[UNALLOCATED_LEDGER_BALANCE, '130.00']])]),
    );
    const b = exposureBreakdown(docs, TODAY, params());
    expect(amounts(b.receivables)).toEqual([[`${UNALLOCATED_LEDGER_BALANCE}*`, '-30.00']]);
  });

  it('lists the bills at risk with their instrument and the last day at risk', () => {
    const docs = docsOf(
      ev.bill('RB-1', '400.00', '2026-04-10'),
      ev.presentBill('RB-1'),
      ev.bill('RB-2', '100.00', '2026-03-01'), // presumed collected after 2026-03-16
      ev.bill('RB-3', '50.00', '2026-04-30', 'sdd'),
      ev.collectBill('RB-3'),
    );
    const b = exposureBreakdown(docs, TODAY, params());
    expect(amounts(b.bills)).toEqual([['RB-1', '400.00']]);
    expect(b.bills[0].details).toEqual({
      kind: 'bill',
      instrument: 'riba',
      status: 'presented',
      dueDate: '2026-04-10',
      atRiskUntil: '2026-04-25',
    });
  });
});

describe('settlementHistory and dishonouredBills', () => {
  it('dates each settlement by its entry and counts the days late, adding up lines of one entry', () => {
    const docs = docsOf(
      ev.post('JE-1', '2026-03-01', [
        instalment('INV-1', 'OI-1', '300.00', '2026-03-31'),
        instalment('INV-1', 'OI-2', '300.00', '2026-04-30'),
      ]),
      ev.post('JE-2', '2026-04-10', [
        payment('100.00', [['OI-1', '100.00']]),
        payment('20.00', [['OI-1', '20.00']]),
      ]),
      ev.post('JE-3', '2026-04-20', [payment('300.00', [['OI-2', '300.00']])]),
      ev.post('JE-4', '2026-04-21', [payment('10.00', [['OI-9', '10.00']])]),
      ev.post('JE-5', '2026-04-22', [payment('1.00', [['OI-1', '1.00']])]),
      ev.reverse('JE-5'),
    );
    expect(settlementHistory(docs)).toEqual([
      {
        entryId: 'JE-2',
        openItemId: 'OI-1',
        amount: m('120.00'),
        settlementDate: '2026-04-10',
        dueDate: '2026-03-31',
        daysLate: 10,
      },
      {
        entryId: 'JE-3',
        openItemId: 'OI-2',
        amount: m('300.00'),
        settlementDate: '2026-04-20',
        dueDate: '2026-04-30',
        daysLate: -10,
      },
      {
        entryId: 'JE-4',
        openItemId: 'OI-9',
        amount: m('10.00'),
        settlementDate: '2026-04-21',
        dueDate: null,
        daysLate: null,
      },
    ]);
  });

  it('lists the dishonoured bills, also one collected first', () => {
    const docs = docsOf(
      ev.bill('RB-1', '400.00', '2026-03-10', 'bill-of-exchange'),
      ev.collectBill('RB-1', '2026-03-11'),
      ev.dishonourBill('RB-1', '2026-03-14'),
      ev.bill('RB-2', '100.00', '2026-03-01'),
    );
    expect(dishonouredBills(docs)).toEqual([
      {
        billId: 'RB-1',
        amount: m('400.00'),
        dishonouredOn: '2026-03-14',
        dueDate: '2026-03-10',
        instrument: 'bill-of-exchange',
      },
    ]);
  });
});

describe('ageingBuckets', () => {
  it('puts residuals in not due, 1-30, 31-60, 61-90 and over 90 days', () => {
    const due = (days: number) => addDays(TODAY, -days);
    const docs = docsOf(
      ev.post('JE-1', '2025-01-01', [
        instalment('I', 'A', '1.00', due(-3)),
        instalment('I', 'B', '2.00', due(0)),
        instalment('I', 'C', '4.00', due(1)),
        instalment('I', 'D', '8.00', due(30)),
        instalment('I', 'E', '16.00', due(31)),
        instalment('I', 'F', '32.00', due(60)),
        instalment('I', 'G', '64.00', due(61)),
        instalment('I', 'H', '128.00', due(90)),
        instalment('I', 'J', '256.00', due(91)),
        instalment('I', 'K', '512.01', due(400)),
      ]),
      ev.post('JE-2', '2025-01-02', [payment('0.50', [['K', '0.50']])]),
    );
    const buckets = ageingBuckets(openItems(docs).values(), TODAY);
    expect(Object.fromEntries(AGEING_BUCKETS.map((b) => [b, formatMoney(buckets[b])]))).toEqual({
      notDue: '3.00',
      days1To30: '12.00',
      days31To60: '48.00',
      days61To90: '192.00',
      over90Days: '767.51',
    });
  });
});

// ---------------------------------------------------------------------------
// Property: the rows always add up to the components, the buckets to the residuals
// ---------------------------------------------------------------------------

const DAY0 = '2026-01-01';
const dateArb = fc.integer({ min: 0, max: 200 }).map((d) => addDays(DAY0, d));
const amountArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 100_000n }),
  fc.bigInt({ min: 0n, max: 999_999_999_999_999n }),
);
const positiveArb = amountArb.map((a) => a + 1n);
const idArb = (prefix: string) => fc.nat(4).map((n) => `${prefix}-${n}`);
const orderRefsArb = fc.array(fc.record({ orderId: idArb('SO'), amount: amountArb }), { maxLength: 2 });
const deliveryRefsArb = fc.array(fc.record({ deliveryId: idArb('DN'), amount: amountArb }), { maxLength: 2 });

const lineArb: fc.Arbitrary<JournalLine> = fc.oneof(
  fc
    .record({ invoiceRef: idArb('INV'), openItemId: idArb('OI'), dueDate: dateArb, amount: positiveArb })
    .map((l): JournalLine => ({ lineId: 'L', side: 'debit', ...l })),
  fc
    .record({ amount: positiveArb, side: fc.constantFrom<'debit' | 'credit'>('debit', 'credit') })
    .map((l): JournalLine => ({ lineId: 'L', ...l })),
  fc
    .record({
      amount: positiveArb,
      settles: fc.array(fc.record({ openItemId: idArb('OI'), amount: positiveArb }), { maxLength: 2 }),
    })
    .map((l): JournalLine => ({ lineId: 'L', side: 'credit', ...l })),
);

const base = { eventId: 'e', occurredAt: '2026-03-01T10:00:00+01:00', companyId: 'IT01', customerId: 'C1' };
const factArb: fc.Arbitrary<Fact> = fc.oneof(
  fc
    .record({ orderId: idArb('SO'), amount: amountArb })
    .map((d): Fact => ({ ...base, type: 'order.confirmed', ...d })),
  idArb('SO').map((orderId): Fact => ({ ...base, type: 'order.closed', orderId, reason: 'completed' })),
  fc
    .record({ deliveryId: idArb('DN'), amount: amountArb, orderRefs: orderRefsArb })
    .map((d): Fact => ({ ...base, type: 'delivery.issued', ...d })),
  idArb('DN').map((deliveryId): Fact => ({ ...base, type: 'delivery.cancelled', deliveryId })),
  fc
    .record({
      invoiceId: idArb('INV'),
      kind: fc.constantFrom<'invoice' | 'credit-note'>('invoice', 'credit-note'),
      amount: amountArb,
      deliveryRefs: deliveryRefsArb,
      orderRefs: orderRefsArb,
    })
    .map((d): Fact => ({ ...base, type: 'invoice.issued', ...d })),
  idArb('INV').map((invoiceId): Fact => ({ ...base, type: 'invoice.cancelled', invoiceId })),
  fc
    .record({ entryId: idArb('JE'), postingDate: dateArb, lines: fc.array(lineArb, { maxLength: 4 }) })
    .map((d): Fact => ({ ...base, type: 'journal.posted', ...d })),
  idArb('JE').map((entryId): Fact => ({ ...base, type: 'journal.reversed', entryId })),
  fc
    .record({
      billId: idArb('RB'),
      amount: positiveArb,
      dueDate: dateArb,
      instrument: fc.constantFrom('riba', 'sdd' as const),
    })
    .map((d): Fact => ({ ...base, type: 'bill.issued', ...d })),
  fc
    .record({
      billId: idArb('RB'),
      date: dateArb,
      end: fc.constantFrom('presented', 'collected', 'dishonoured', 'cancelled'),
    })
    .map(({ billId, date, end }): Fact => {
      const at = `${date}T09:00:00+01:00`;
      if (end === 'presented') return { ...base, type: 'bill.presented', billId, presentedAt: at };
      if (end === 'collected') return { ...base, type: 'bill.collected', billId, collectedAt: at };
      if (end === 'dishonoured') return { ...base, type: 'bill.dishonoured', billId, dishonouredAt: at };
      return { ...base, type: 'bill.cancelled', billId };
    }),
);

describe('breakdown properties', () => {
  it('the rows of each component add up to the component exactly, with one row per document', () => {
    fc.assert(
      fc.property(
        fc.array(factArb, { maxLength: 40 }),
        dateArb,
        fc.nat(30),
        (facts, businessDate, billRiskDays) => {
          const docs = applyFacts(emptyDocuments(), facts);
          const p = params({ billRiskDays });
          const expected = components(docs, businessDate, p);
          const breakdown = exposureBreakdown(docs, businessDate, p);
          for (const name of COMPONENTS) {
            expect(sum(breakdown[name].map((r) => r.amount))).toBe(expected[name]);
            const ids = breakdown[name].map((r) => r.documentId);
            expect(new Set(ids).size).toBe(ids.length);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the ageing buckets add up to the total residual, and settlements to what the items were settled by', () => {
    fc.assert(
      fc.property(fc.array(factArb, { maxLength: 40 }), dateArb, (facts, businessDate) => {
        const docs = applyFacts(emptyDocuments(), facts);
        const items = [...openItems(docs).values()];
        const buckets = ageingBuckets(items, businessDate);
        expect(sum(AGEING_BUCKETS.map((b) => buckets[b]))).toBe(sum(items.map((i) => i.residual)));
        const history = settlementHistory(docs);
        for (const item of items) {
          expect(sum(history.filter((s) => s.openItemId === item.openItemId).map((s) => s.amount))).toBe(
            item.settled,
          );
        }
        const keys = history.map((s) => `${s.entryId}|${s.openItemId}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 500 },
    );
  });
});
