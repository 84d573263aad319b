/** Spec §3.1-3.4 and §4: the effect of each document fact on the exposure components. */
import {
  applyFact,
  billsAtRisk,
  components,
  Components,
  COMPONENTS,
  consumedByOrder,
  DEFAULT_PARAMETERS,
  CustomerDocuments,
  deliveryResiduals,
  emptyDocuments,
  encodeState,
  formatMoney,
  invoicedByDelivery,
  ledgerBalance,
  orderResiduals,
  postedInvoiceIds,
  parametersFromJson,
  parametersToJson,
  total,
  withDefaults,
  unpostedInvoiceValues,
} from '../src';
import { credit, debit, docsOf, ev, instalment, onlyComponents, params, payment } from './fixtures';

const TODAY = '2026-03-10';

/** The components as the API shows them. */
const shown = (docs: CustomerDocuments, date = TODAY, p = params()) => {
  const parts = components(docs, date, p);
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, formatMoney(v)]));
};
const nothing = {
  orders: '0.00',
  deliveries: '0.00',
  unpostedInvoices: '0.00',
  receivables: '0.00',
  bills: '0.00',
};
const money = (map: Map<string, bigint>) => Object.fromEntries([...map].map(([k, v]) => [k, formatMoney(v)]));

describe('documents', () => {
  it('start empty, and each call gives fresh maps', () => {
    const a = emptyDocuments();
    expect(a.orders.size + a.deliveries.size + a.invoices.size + a.journal.size + a.bills.size).toBe(0);
    expect(a.limit).toBeNull();
    expect(a.profile).toBeNull();
    expect(emptyDocuments().orders).not.toBe(a.orders);
    expect(shown(a)).toEqual(nothing);
  });

  it('applyFact never modifies its input', () => {
    const facts = [
      ev.order('O1', '100.00'),
      ev.closeOrder('O1'),
      ev.delivery('D1', '50.00', [['O1', '50.00']]),
      ev.cancelDelivery('D1'),
      ev.invoice('I1', '10.00'),
      ev.cancelInvoice('I1'),
      ev.post('E1', '2026-03-01', [debit('10.00', { invoiceRef: 'I1' })]),
      ev.reverse('E1'),
      ev.bill('B1', '5.00', '2026-03-31'),
      ev.presentBill('B1'),
      ev.collectBill('B1'),
      ev.dishonourBill('B1'),
      ev.cancelBill('B1'),
      ev.limit('1000.00'),
      ev.removeLimit(),
      ev.customer('ACME'),
    ];
    let docs = emptyDocuments();
    for (const fact of facts) {
      const before = encodeState(docs);
      const next = applyFact(docs, fact);
      expect(encodeState(docs)).toBe(before);
      docs = next;
    }
  });

  it('a check request and the customer master data change no exposure', () => {
    const docs = docsOf(ev.order('O1', '100.00'));
    expect(applyFact(docs, ev.check('O2', '500.00'))).toBe(docs);
    const named = applyFact(docs, ev.customer('ACME S.p.A.'));
    expect(named.profile).toEqual({
      name: 'ACME S.p.A.',
      vatNumber: null,
      salesAgentId: null,
      paymentTermsDays: null,
      email: null,
    });
    expect(shown(named)).toEqual(shown(docs));
  });
});

describe('orders = Σ max(0, amount - consumed) over orders not closed', () => {
  it('counts a confirmed order at its gross value', () => {
    expect(shown(docsOf(ev.order('O1', '1200.00')))).toEqual({ ...nothing, orders: '1200.00' });
  });

  it('takes a later order.confirmed as an amendment', () => {
    const docs = docsOf(ev.order('O1', '1000.00'), ev.order('O1', '1200.00'), ev.order('O2', '1.50'));
    expect(shown(docs).orders).toBe('1201.50');
    expect(shown(applyFact(docs, ev.order('O1', '800.00'))).orders).toBe('801.50');
  });

  it.each(['cancelled', 'completed', 'short-closed'] as const)(
    'stops counting the residual once %s',
    (reason) => {
      const docs = docsOf(ev.order('O1', '1000.00'), ev.order('O2', '300.00'), ev.closeOrder('O1', reason));
      expect(shown(docs).orders).toBe('300.00');
      expect(docs.orders.get('O1')?.closed).toBe(reason);
    },
  );

  it('keeps a closed order closed when a late amendment arrives', () => {
    const docs = docsOf(ev.order('O1', '1000.00'), ev.closeOrder('O1'), ev.order('O1', '1100.00'));
    expect(shown(docs).orders).toBe('0.00');
    // also when the close came first
    expect(shown(docsOf(ev.closeOrder('O1'), ev.order('O1', '1000.00'))).orders).toBe('0.00');
  });

  it('is consumed by a partial delivery', () => {
    const docs = docsOf(ev.order('O1', '1000.00'), ev.delivery('D1', '400.00', [['O1', '400.00']]));
    expect(shown(docs)).toEqual({ ...nothing, orders: '600.00', deliveries: '400.00' });
  });

  it('never goes below zero on over-delivery', () => {
    const docs = docsOf(
      ev.order('O1', '1000.00'),
      ev.order('O2', '500.00'),
      ev.delivery('D1', '1200.00', [['O1', '1200.00']]),
    );
    expect(shown(docs)).toEqual({ ...nothing, orders: '500.00', deliveries: '1200.00' });
    expect(money(orderResiduals(docs))).toEqual({ O1: '0.00', O2: '500.00' });
  });

  it('sums the consumption of several deliveries and invoices, and one delivery may fulfil several orders', () => {
    const docs = docsOf(
      ev.order('O1', '1000.00'),
      ev.order('O2', '500.00'),
      ev.delivery('D1', '500.00', [
        ['O1', '300.00'],
        ['O2', '200.00'],
      ]),
      ev.delivery('D2', '100.00', [['O1', '100.00']]),
      ev.invoice('I1', '50.00', { orderRefs: [['O2', '50.00']] }),
    );
    expect(money(consumedByOrder(docs))).toEqual({ O1: '400.00', O2: '250.00' });
    expect(money(orderResiduals(docs))).toEqual({ O1: '600.00', O2: '250.00' });
    expect(shown(docs)).toEqual({
      ...nothing,
      orders: '850.00',
      deliveries: '600.00',
      unpostedInvoices: '50.00',
    });
  });

  it('is released when the consuming delivery is cancelled', () => {
    const docs = docsOf(
      ev.order('O1', '1000.00'),
      ev.delivery('D1', '400.00', [['O1', '400.00']]),
      ev.cancelDelivery('D1'),
    );
    expect(shown(docs)).toEqual({ ...nothing, orders: '1000.00' });
    expect(consumedByOrder(docs).size).toBe(0);
  });

  it('is consumed by a delivery that arrived before the order', () => {
    const docs = docsOf(ev.delivery('D1', '300.00', [['O1', '300.00']]), ev.order('O1', '1000.00'));
    expect(shown(docs)).toEqual({ ...nothing, orders: '700.00', deliveries: '300.00' });
  });

  it('follows the order refs of the latest version of a delivery', () => {
    const docs = docsOf(
      ev.order('O1', '1000.00'),
      ev.delivery('D1', '400.00', [['O1', '400.00']]),
      ev.delivery('D1', '250.00', [['O1', '250.00']]),
    );
    expect(shown(docs)).toEqual({ ...nothing, orders: '750.00', deliveries: '250.00' });
  });
});

describe('deliveries = Σ max(0, amount - invoiced) over deliveries not cancelled', () => {
  it('is reduced by the invoices that reference it', () => {
    const docs = docsOf(
      ev.delivery('D1', '400.00'),
      ev.invoice('I1', '150.00', { deliveryRefs: [['D1', '150.00']] }),
    );
    expect(money(invoicedByDelivery(docs))).toEqual({ D1: '150.00' });
    expect(shown(docs)).toEqual({ ...nothing, deliveries: '250.00', unpostedInvoices: '150.00' });
  });

  it('moves the whole value from delivery to invoice on full invoicing', () => {
    const docs = docsOf(
      ev.order('O1', '1000.00'),
      ev.delivery('D1', '400.00', [['O1', '400.00']]),
      ev.invoice('I1', '400.00', { deliveryRefs: [['D1', '400.00']] }),
    );
    expect(shown(docs)).toEqual({ ...nothing, orders: '600.00', unpostedInvoices: '400.00' });
  });

  it('never goes below zero when invoiced for more than delivered', () => {
    const docs = docsOf(
      ev.delivery('D1', '400.00'),
      ev.delivery('D2', '100.00'),
      ev.invoice('I1', '450.00', { deliveryRefs: [['D1', '450.00']] }),
    );
    expect(money(deliveryResiduals(docs))).toEqual({ D1: '0.00', D2: '100.00' });
  });

  it('drops a cancelled delivery, also when the cancellation came first', () => {
    expect(shown(docsOf(ev.delivery('D1', '400.00'), ev.cancelDelivery('D1'))).deliveries).toBe('0.00');
    expect(shown(docsOf(ev.cancelDelivery('D1'), ev.delivery('D1', '400.00'))).deliveries).toBe('0.00');
  });

  it('is invoiced by an invoice that arrived before the delivery', () => {
    const docs = docsOf(
      ev.invoice('I1', '100.00', { deliveryRefs: [['D1', '100.00']] }),
      ev.delivery('D1', '400.00'),
    );
    expect(shown(docs).deliveries).toBe('300.00');
  });

  it('gets its residual back when the invoice is cancelled', () => {
    const docs = docsOf(
      ev.order('O1', '1000.00'),
      ev.delivery('D1', '400.00', [['O1', '400.00']]),
      ev.invoice('I1', '400.00', { deliveryRefs: [['D1', '400.00']], orderRefs: [['O1', '100.00']] }),
      ev.cancelInvoice('I1'),
    );
    expect(shown(docs)).toEqual({ ...nothing, orders: '600.00', deliveries: '400.00' });
  });
});

describe('unpostedInvoices = Σ ±amount over invoices neither cancelled nor posted', () => {
  it('counts an immediate invoice with no references', () => {
    expect(shown(docsOf(ev.invoice('I1', '500.00'))).unpostedInvoices).toBe('500.00');
  });

  it('counts credit notes negative', () => {
    expect(shown(docsOf(ev.invoice('I1', '500.00'), ev.creditNote('CN1', '100.00'))).unpostedInvoices).toBe(
      '400.00',
    );
    const onlyCredit = docsOf(ev.creditNote('CN1', '100.00'));
    expect(shown(onlyCredit).unpostedInvoices).toBe('-100.00');
    expect(money(unpostedInvoiceValues(onlyCredit))).toEqual({ CN1: '-100.00' });
  });

  it('takes the latest version of an invoice', () => {
    const docs = docsOf(ev.invoice('I1', '500.00'), ev.invoice('I1', '520.00'));
    expect(shown(docs).unpostedInvoices).toBe('520.00');
  });

  it('drops a cancelled invoice, also when the cancellation came first', () => {
    expect(shown(docsOf(ev.invoice('I1', '500.00'), ev.cancelInvoice('I1'))).unpostedInvoices).toBe('0.00');
    expect(shown(docsOf(ev.cancelInvoice('I1'), ev.invoice('I1', '500.00'))).unpostedInvoices).toBe('0.00');
  });

  it('moves an invoice to the ledger when a journal line names it, and back when the entry is reversed', () => {
    const invoiced = docsOf(ev.invoice('I1', '500.00'));
    const posted = applyFact(invoiced, ev.post('E1', '2026-03-01', [debit('500.00', { invoiceRef: 'I1' })]));
    expect(postedInvoiceIds(posted)).toEqual(new Set(['I1']));
    expect(shown(posted)).toEqual({ ...nothing, receivables: '500.00' });
    const reversed = applyFact(posted, ev.reverse('E1'));
    expect(postedInvoiceIds(reversed).size).toBe(0);
    expect(shown(reversed)).toEqual({ ...nothing, unpostedInvoices: '500.00' });
  });

  it('treats an invoice as posted when the posting arrived first', () => {
    const docs = docsOf(
      ev.post('E1', '2026-03-01', [debit('500.00', { invoiceRef: 'I1' })]),
      ev.invoice('I1', '500.00'),
    );
    expect(shown(docs)).toEqual({ ...nothing, receivables: '500.00' });
  });

  it('posts a credit note through a credit line', () => {
    const docs = docsOf(
      ev.creditNote('CN1', '100.00'),
      ev.post('E1', '2026-03-01', [credit('100.00', { invoiceRef: 'CN1' })]),
    );
    expect(shown(docs)).toEqual({ ...nothing, receivables: '-100.00' });
  });

  it('keeps an invoice posted while any non-reversed entry names it', () => {
    const docs = docsOf(
      ev.invoice('I1', '500.00'),
      ev.post('E1', '2026-03-01', [debit('300.00', { invoiceRef: 'I1' })]),
      ev.post('E2', '2026-03-01', [debit('200.00', { invoiceRef: 'I1' })]),
      ev.reverse('E1'),
    );
    expect(shown(docs)).toEqual({ ...nothing, receivables: '200.00' });
  });
});

describe('receivables = ledger balance of the entries not reversed', () => {
  it('is debits minus credits', () => {
    const docs = docsOf(
      ev.post('E1', '2026-03-01', [debit('1000.00'), debit('0.50')]),
      ev.post('E2', '2026-03-05', [payment('650.00', [])]),
    );
    expect(formatMoney(ledgerBalance(docs))).toBe('350.50');
  });

  it('may be negative (the customer holds a credit)', () => {
    const docs = docsOf(ev.post('E1', '2026-03-01', [credit('200.00')]));
    expect(shown(docs).receivables).toBe('-200.00');
    expect(formatMoney(total(components(docs, TODAY, params()), params()))).toBe('-200.00');
  });

  it('undoes every effect of a reversed entry', () => {
    const docs = docsOf(
      ev.post('E1', '2026-03-01', [debit('1000.00')]),
      ev.post('E2', '2026-03-05', [credit('400.00')]),
      ev.reverse('E2'),
    );
    expect(shown(docs).receivables).toBe('1000.00');
  });

  it('ignores a posting whose reversal came first (the reversal is sticky)', () => {
    const docs = docsOf(
      ev.invoice('I1', '500.00'),
      ev.reverse('E1'),
      ev.post('E1', '2026-03-01', [debit('500.00', { invoiceRef: 'I1' })]),
    );
    expect(shown(docs)).toEqual({ ...nothing, unpostedInvoices: '500.00' });
    expect(docs.journal.get('E1')?.reversed).toBe(true);
  });

  it('counts every instalment of an invoice posted in instalments', () => {
    const docs = docsOf(
      ev.invoice('I1', '1000.00'),
      ev.post('E1', '2026-01-31', [
        instalment('I1', 'I1/1', '600.00', '2026-02-28'),
        instalment('I1', 'I1/2', '400.00', '2026-03-31'),
      ]),
    );
    expect(shown(docs)).toEqual({ ...nothing, receivables: '1000.00' });
  });
});

describe('bills = Σ amounts of bills at risk', () => {
  const issued = () =>
    docsOf(ev.bill('B1', '300.00', '2026-03-31'), ev.bill('B2', '0.01', '2026-06-30', 'sdd'));

  it('counts a bill from bill.issued, also once presented to the bank', () => {
    expect(shown(issued()).bills).toBe('300.01');
    const presented = applyFact(issued(), ev.presentBill('B1'));
    expect(presented.bills.get('B1')?.status).toBe('presented');
    expect(shown(presented).bills).toBe('300.01');
  });

  it('takes a later bill.issued as an amendment', () => {
    expect(shown(applyFact(issued(), ev.bill('B1', '350.00', '2026-03-31'))).bills).toBe('350.01');
  });

  it.each([
    ['collected', ev.collectBill],
    ['dishonoured', ev.dishonourBill],
    ['cancelled', ev.cancelBill],
  ] as const)('stops counting a bill once %s', (_status, end) => {
    const docs = applyFact(applyFact(issued(), ev.presentBill('B1')), end('B1'));
    expect(shown(docs).bills).toBe('0.01');
  });

  it('presumes a bill collected after dueDate + billRiskDays (default 15)', () => {
    const docs = docsOf(ev.bill('B1', '300.00', '2026-03-31'));
    expect(formatMoney(components(docs, '2026-03-31', params()).bills)).toBe('300.00');
    expect(formatMoney(components(docs, '2026-04-15', params()).bills)).toBe('300.00'); // boundary day
    expect(formatMoney(components(docs, '2026-04-16', params()).bills)).toBe('0.00'); // the day after
    expect(money(billsAtRisk(docs, '2026-04-15', 15))).toEqual({ B1: '300.00' });
    expect(billsAtRisk(docs, '2026-04-16', 15).size).toBe(0);
  });

  it('uses the company billRiskDays', () => {
    const docs = docsOf(ev.bill('B1', '300.00', '2026-03-31'));
    expect(formatMoney(components(docs, '2026-03-31', params({ billRiskDays: 0 })).bills)).toBe('300.00');
    expect(formatMoney(components(docs, '2026-04-01', params({ billRiskDays: 0 })).bills)).toBe('0.00');
    expect(formatMoney(components(docs, '2026-05-01', params({ billRiskDays: 31 })).bills)).toBe('300.00');
    expect(formatMoney(components(docs, '2026-05-02', params({ billRiskDays: 31 })).bills)).toBe('0.00');
  });

  it('ignores a presentation after the bill was collected', () => {
    const docs = docsOf(ev.bill('B1', '300.00', '2026-03-31'), ev.collectBill('B1'), ev.presentBill('B1'));
    expect(docs.bills.get('B1')?.status).toBe('collected');
    expect(shown(docs).bills).toBe('0.00');
  });

  it('keeps a bill collected when its bill.issued arrives late', () => {
    const docs = docsOf(ev.collectBill('B1'), ev.bill('B1', '300.00', '2026-03-31'));
    expect(shown(docs).bills).toBe('0.00');
    expect(docs.bills.get('B1')?.amount).toBe(30000n);
  });

  it('lets a collected bill come back unpaid (salvo buon fine)', () => {
    const docs = docsOf(
      ev.bill('B1', '300.00', '2026-03-31'),
      ev.collectBill('B1', '2026-03-31'),
      ev.dishonourBill('B1', '2026-04-02'),
    );
    expect(docs.bills.get('B1')).toMatchObject({ status: 'dishonoured', statusDate: '2026-04-02' });
    expect(shown(docs).bills).toBe('0.00');
  });
});

describe('total = Σ included components', () => {
  const docs = docsOf(
    ev.order('O1', '1000.00'),
    ev.delivery('D1', '200.00'),
    ev.invoice('I1', '30.00'),
    ev.post('E1', '2026-03-01', [debit('4.00')]),
    ev.bill('B1', '0.50', '2026-03-31'),
  );

  it('includes everything by default', () => {
    expect(formatMoney(total(components(docs, TODAY, params()), params()))).toBe('1234.50');
  });

  it.each([
    [['orders'], '1000.00'],
    [['deliveries'], '200.00'],
    [['unpostedInvoices'], '30.00'],
    [['receivables'], '4.00'],
    [['bills'], '0.50'],
    [['receivables', 'bills'], '4.50'],
    [[], '0.00'],
  ] as const)('counts only %j when the company says so', (names, expected) => {
    const p = onlyComponents(...names);
    const parts: Components = components(docs, TODAY, p);
    // components are still computed, only the total changes
    expect(formatMoney(parts.orders)).toBe('1000.00');
    expect(formatMoney(total(parts, p))).toBe(expected);
  });
});

describe('company parameters', () => {
  it('default to the contract: Europe/Rome, every component, 15 bill risk days, no limit, A/B/C at 5/20/45 days and 0/1/2 bills', () => {
    expect(COMPONENTS).toEqual(['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills']);
    expect(DEFAULT_PARAMETERS).toEqual({
      timeZone: 'Europe/Rome',
      includedComponents: {
        orders: true,
        deliveries: true,
        unpostedInvoices: true,
        receivables: true,
        bills: true,
      },
      billRiskDays: 15,
      missingLimit: 'no-limit',
      riskClasses: {
        A: { maxAvgDaysLate: 5, maxDishonouredBills: 0 },
        B: { maxAvgDaysLate: 20, maxDishonouredBills: 1 },
        C: { maxAvgDaysLate: 45, maxDishonouredBills: 2 },
      },
      // Checked by default: the customer's mode (warn or block) then decides, as section 6 says.
      documentChecks: { order: 'block', delivery: 'block', invoice: 'block' },
      // Section 11: the credit-limit proposal's multiplier per risk class.
      limitProposalFactors: { A: '1.2', B: '1.0', C: '0.7', D: '0.4' },
      // Section 12: reminder at 7 days, formal notice at 21, out-of-court at 45, cases from 50.00.
      dunning: {
        levels: [
          { level: 1, daysOverdue: 7, action: 'reminder' },
          { level: 2, daysOverdue: 21, action: 'formal-notice' },
          { level: 3, daysOverdue: 45, action: 'out-of-court' },
        ],
        minAmount: 5000n,
      },
    });
    expect(Object.isFrozen(DEFAULT_PARAMETERS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PARAMETERS.includedComponents)).toBe(true);
  });
});

describe('stored company parameters', () => {
  it('carry the dunning minimum as a money string and read it back as cents', () => {
    const json = parametersToJson({
      ...DEFAULT_PARAMETERS,
      dunning: { levels: [{ level: 1, daysOverdue: 3, action: 'reminder' }], minAmount: 12345n },
    });
    expect(JSON.parse(json).dunning).toEqual({
      levels: [{ level: 1, daysOverdue: 3, action: 'reminder' }],
      minAmount: '123.45',
    });
    expect(parametersFromJson(json).dunning).toEqual({
      levels: [{ level: 1, daysOverdue: 3, action: 'reminder' }],
      minAmount: 12345n,
    });
    // A record stored before the policy existed gets the default.
    const older = parametersFromJson(JSON.stringify({ billRiskDays: 9 }));
    expect(withDefaults(older, DEFAULT_PARAMETERS).dunning).toBe(DEFAULT_PARAMETERS.dunning);
  });
});
