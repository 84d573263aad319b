/** Spec §7 (risk.breaches / risk.blocks events), the review date, the customer record and its codec. */
import {
  applyFact,
  applyFacts,
  assess,
  CustomerDocuments,
  CustomerRecord,
  decodeState,
  emptyDocuments,
  encodeState,
  Fact,
  formatMoney,
  newCustomerRecord,
  nextReviewDate,
  Notification,
  NOTHING_PUBLISHED,
  notifications,
  reassess,
  viewOf,
} from '../src';
import { debit, docsOf, ev, instalment, m, params, payment } from './fixtures';

describe('notifications', () => {
  it('announces the first status of a customer with a limit (from NOTHING_PUBLISHED)', () => {
    const a = assess(docsOf(ev.limit('1000.00'), ev.order('O1', '100.00')), '2026-03-10', params());
    expect(notifications(NOTHING_PUBLISHED, a)).toEqual([
      {
        type: 'exposure.statusChanged',
        from: 'NO_LIMIT',
        to: 'OK',
        total: m('100.00'),
        limit: m('1000.00'),
        utilizationPct: '10.00',
        components: a.components,
      },
    ]);
  });

  it('says nothing for a new customer without a limit or overdue items', () => {
    expect(
      notifications(NOTHING_PUBLISHED, assess(docsOf(ev.order('O1', '100.00')), '2026-03-10', params())),
    ).toEqual([]);
  });

  it('says nothing when nothing changed', () => {
    const a = assess(docsOf(ev.limit('1000.00'), ev.order('O1', '900.00')), '2026-03-10', params());
    expect(notifications(viewOf(a), a)).toEqual([]);
    // a different total with the same status is not news either
    const b = assess(docsOf(ev.limit('1000.00'), ev.order('O1', '950.00')), '2026-03-10', params());
    expect(notifications(viewOf(a), b)).toEqual([]);
  });

  it('reports each status transition with from = the previous to', () => {
    const at = (amount: string) =>
      assess(docsOf(ev.limit('1000.00'), ev.order('O1', amount)), '2026-03-10', params());
    const ok = at('100.00');
    const warning = at('800.00');
    const exceeded = at('1000.01');
    expect(notifications(viewOf(ok), warning)).toEqual([
      expect.objectContaining({ type: 'exposure.statusChanged', from: 'OK', to: 'WARNING' }),
    ]);
    expect(notifications(viewOf(warning), exceeded)).toEqual([
      expect.objectContaining({
        type: 'exposure.statusChanged',
        from: 'WARNING',
        to: 'EXCEEDED',
        utilizationPct: '100.00',
      }),
      { type: 'customer.blocked', reasons: ['LIMIT_EXCEEDED'] },
    ]);
    expect(notifications(viewOf(exceeded), ok)).toEqual([
      expect.objectContaining({ type: 'exposure.statusChanged', from: 'EXCEEDED', to: 'OK' }),
      { type: 'customer.unblocked', previousReasons: ['LIMIT_EXCEEDED'] },
    ]);
  });

  describe('overdue.changed', () => {
    // no limit: the overdue events stand alone
    const overdueDocs = (...more: Fact[]) =>
      docsOf(ev.post('E1', '2026-01-31', [instalment('I1', 'I1/1', '600.00', '2026-02-28')]), ...more);

    it('fires when an item falls overdue', () => {
      const a = assess(overdueDocs(), '2026-03-01', params());
      expect(notifications(NOTHING_PUBLISHED, a)).toEqual([
        { type: 'overdue.changed', overdue: true, overdueAmount: m('600.00'), oldestOverdueDays: 1 },
      ]);
    });

    it('does not fire on the daily tick of oldestOverdueDays alone', () => {
      // With no dunning levels: a level reached on day 7 is a collection event (collections.spec.ts).
      const noDunning = { ...params(), dunning: { levels: [], minAmount: 0n } };
      const day1 = assess(overdueDocs(), '2026-03-01', noDunning);
      const day9 = assess(overdueDocs(), '2026-03-09', noDunning);
      expect(day9.oldestOverdueDays).toBe(9);
      expect(notifications(viewOf(day1), day9)).toEqual([]);
    });

    it('fires when the overdue amount changes', () => {
      const before = assess(overdueDocs(), '2026-03-05', params());
      const after = assess(
        overdueDocs(ev.post('E2', '2026-03-06', [payment('250.00', [['I1/1', '250.00']])])),
        '2026-03-06',
        params(),
      );
      expect(notifications(viewOf(before), after)).toEqual([
        { type: 'overdue.changed', overdue: true, overdueAmount: m('350.00'), oldestOverdueDays: 6 },
      ]);
    });

    it('fires when the breach starts after the tolerance with the same amount', () => {
      const docs = overdueDocs(ev.limit('10000.00', { mode: 'warn', toleranceDays: 3 }));
      const within = assess(docs, '2026-03-03', params());
      const beyond = assess(docs, '2026-03-04', params());
      expect(within.overdueBreach).toBe(false);
      expect(notifications(viewOf(within), beyond)).toEqual([
        { type: 'overdue.changed', overdue: true, overdueAmount: m('600.00'), oldestOverdueDays: 4 },
      ]);
    });

    it('fires when the item is paid', () => {
      const late = assess(overdueDocs(), '2026-03-05', params());
      const paid = assess(
        overdueDocs(ev.post('E2', '2026-03-06', [payment('600.00', [['I1/1', '600.00']])])),
        '2026-03-06',
        params(),
      );
      expect(notifications(viewOf(late), paid)).toEqual([
        { type: 'overdue.changed', overdue: false, overdueAmount: 0n, oldestOverdueDays: 0 },
      ]);
    });
  });

  it('goes blocked -> reasons change -> unblocked through reassess', () => {
    const p = params();
    let record = newCustomerRecord('IT01', 'C000123');
    let docs: CustomerDocuments = emptyDocuments();
    const step = (date: string, ...facts: Fact[]): Notification[] => {
      docs = applyFacts(docs, facts);
      const result = reassess(record, docs, date, p);
      record = result.record;
      return result.notifications;
    };

    expect(step('2026-02-01', ev.limit('1000.00'))).toEqual([
      expect.objectContaining({ type: 'exposure.statusChanged', from: 'NO_LIMIT', to: 'OK' }),
    ]);
    expect(step('2026-02-01', ev.order('O1', '1200.00'))).toEqual([
      expect.objectContaining({
        type: 'exposure.statusChanged',
        from: 'OK',
        to: 'EXCEEDED',
        total: m('1200.00'),
      }),
      { type: 'customer.blocked', reasons: ['LIMIT_EXCEEDED'] },
    ]);
    // an instalment is posted (the total moves to 1300 but stays EXCEEDED): nothing new
    expect(
      step('2026-02-01', ev.post('E1', '2026-02-01', [instalment('I1', 'I1/1', '100.00', '2026-02-28')])),
    ).toEqual([]);
    // time passes with no event: the item falls overdue, a second block reason
    expect(step('2026-03-01')).toEqual([
      { type: 'overdue.changed', overdue: true, overdueAmount: m('100.00'), oldestOverdueDays: 1 },
      { type: 'customer.blocked', reasons: ['LIMIT_EXCEEDED', 'OVERDUE'] },
    ]);
    expect(step('2026-03-02')).toEqual([]);
    // the order is closed: back under the limit, still blocked for the overdue item
    expect(step('2026-03-02', ev.closeOrder('O1'))).toEqual([
      expect.objectContaining({
        type: 'exposure.statusChanged',
        from: 'EXCEEDED',
        to: 'OK',
        total: m('100.00'),
      }),
      { type: 'customer.blocked', reasons: ['OVERDUE'] },
    ]);
    // paid: unblocked
    expect(
      step('2026-03-03', ev.post('E2', '2026-03-03', [payment('100.00', [['I1/1', '100.00']])])),
    ).toEqual([
      { type: 'overdue.changed', overdue: false, overdueAmount: 0n, oldestOverdueDays: 0 },
      { type: 'customer.unblocked', previousReasons: ['OVERDUE'] },
    ]);
    expect(record.version).toBe(7);
    expect(record.sequence).toBe(1 + 2 + 0 + 2 + 0 + 2 + 2);
    expect(record.published).toEqual({ status: 'OK', blockReasons: [], overdue: false, overdueAmount: 0n });
  });
});

describe('nextReviewDate', () => {
  const p = params();
  const item = (dueDate: string, amount = '100.00') =>
    ev.post(`E-${dueDate}`, '2026-01-01', [debit(amount, { openItemId: `X-${dueDate}`, dueDate })]);

  it('is null when nothing depends on the date', () => {
    expect(nextReviewDate(emptyDocuments(), '2026-03-10', p)).toBeNull();
    expect(nextReviewDate(docsOf(ev.order('O1', '10.00'), ev.limit('1000.00')), '2026-03-10', p)).toBeNull();
  });

  it('is the day an open item falls overdue', () => {
    expect(nextReviewDate(docsOf(item('2026-03-31')), '2026-03-10', p)).toBe('2026-04-01');
    expect(nextReviewDate(docsOf(item('2026-03-31')), '2026-03-31', p)).toBe('2026-04-01');
  });

  it('is every day while something is overdue', () => {
    expect(nextReviewDate(docsOf(item('2026-03-01')), '2026-03-10', p)).toBe('2026-03-11');
  });

  it('ignores settled items', () => {
    const docs = docsOf(
      item('2026-03-31'),
      ev.post('P', '2026-03-01', [payment('100.00', [['X-2026-03-31', '100.00']])]),
    );
    // only the settlement leaving the behaviour window remains
    expect(nextReviewDate(docs, '2026-03-10', p)).toBe('2027-03-01');
  });

  it('is the day a bill is presumed collected', () => {
    const docs = docsOf(ev.bill('B1', '10.00', '2026-03-31'));
    expect(nextReviewDate(docs, '2026-03-10', p)).toBe('2026-04-16');
    expect(nextReviewDate(docs, '2026-03-10', params({ billRiskDays: 0 }))).toBe('2026-04-01');
    expect(nextReviewDate(docs, '2026-04-16', p)).toBeNull();
    expect(nextReviewDate(applyFact(docs, ev.collectBill('B1')), '2026-03-10', p)).toBeNull();
  });

  it('is the day a limit expires', () => {
    const docs = docsOf(ev.limit('1000.00', { validUntil: '2026-03-31' }));
    expect(nextReviewDate(docs, '2026-03-10', p)).toBe('2026-04-01');
    expect(nextReviewDate(docs, '2026-04-01', p)).toBeNull();
  });

  it('is the day a payment enters or leaves the behaviour window', () => {
    const docs = docsOf(ev.post('P', '2026-03-20', [payment('1.00', [['X', '1.00']])]));
    expect(nextReviewDate(docs, '2026-03-10', p)).toBe('2026-03-20');
    expect(nextReviewDate(docs, '2026-03-20', p)).toBe('2027-03-20');
  });

  it('is the day a dishonoured bill enters or leaves the window', () => {
    const docs = docsOf(ev.bill('B1', '10.00', '2026-02-28'), ev.dishonourBill('B1', '2026-03-01'));
    expect(nextReviewDate(docs, '2026-02-27', p)).toBe('2026-03-01');
    expect(nextReviewDate(docs, '2026-03-10', p)).toBe('2027-03-01');
    expect(assess(docs, '2027-02-28', p).dishonouredBills12m).toBe(1);
    expect(assess(docs, '2027-03-01', p).dishonouredBills12m).toBe(0);
  });

  it('is the earliest of all triggers', () => {
    const docs = docsOf(
      ev.limit('1000.00', { validUntil: '2026-04-30' }),
      ev.bill('B1', '10.00', '2026-04-01'),
      item('2026-04-10'),
    );
    expect(nextReviewDate(docs, '2026-03-10', p)).toBe('2026-04-11');
    expect(nextReviewDate(docs, '2026-04-11', p)).toBe('2026-04-12'); // overdue: daily
  });
});

describe('customer record', () => {
  it('starts empty with nothing published', () => {
    expect(newCustomerRecord('IT01', 'C1')).toEqual({
      companyId: 'IT01',
      customerId: 'C1',
      version: 0,
      sequence: 0,
      documents: emptyDocuments(),
      published: NOTHING_PUBLISHED,
      assessment: null,
      reviewOn: null,
    });
  });

  it('reassess bumps the version once and the sequence by the number of notifications', () => {
    const p = params();
    const start = newCustomerRecord('IT01', 'C1');
    const docs = docsOf(ev.limit('100.00'), ev.order('O1', '200.00'), ev.bill('B1', '1.00', '2026-03-31'));
    const first = reassess(start, docs, '2026-03-10', p);
    expect(first.notifications.map((n) => n.type)).toEqual(['exposure.statusChanged', 'customer.blocked']);
    expect(first.record).toMatchObject({ version: 1, sequence: 2, documents: docs, reviewOn: '2026-04-16' });
    expect(first.record.assessment).toEqual(assess(docs, '2026-03-10', p));
    expect(first.record.published).toEqual(viewOf(assess(docs, '2026-03-10', p)));
    const again = reassess(first.record, docs, '2026-03-11', p);
    expect(again.notifications).toEqual([]);
    expect(again.record).toMatchObject({ version: 2, sequence: 2 });
    expect(start).toEqual(newCustomerRecord('IT01', 'C1')); // not modified
  });
});

describe('codec', () => {
  const awkwardIds = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$n', '$m'];

  const fullRecord = (): CustomerRecord => {
    const facts: Fact[] = [
      ev.customer('ACME'),
      ev.limit('5000.00', { validUntil: '2026-12-31', toleranceDays: 3 }),
    ];
    for (const id of awkwardIds) {
      facts.push(
        ev.order(id, '100.00'),
        ev.delivery(id, '40.00', [[id, '40.00']]),
        ev.invoice(id, '10.00', { deliveryRefs: [[id, '10.00']] }),
        ev.post(id, '2026-01-31', [instalment(id, id, '10.00', '2026-02-28')]),
        ev.post(`${id}-pay`, '2026-03-02', [payment('4.00', [[id, '4.00']])]),
        ev.bill(id, '1.00', '2026-03-31'),
      );
    }
    facts.push(ev.dishonourBill('constructor', '2026-03-01'), ev.closeOrder('prototype'));
    const docs = applyFacts(emptyDocuments(), facts);
    return reassess(newCustomerRecord('IT01', 'C/1.x'), docs, '2026-03-10', params()).record;
  };

  it('round-trips a full record with bigint money and Maps', () => {
    const record = fullRecord();
    const text = encodeState(record);
    const decoded = decodeState<CustomerRecord>(text);
    expect(decoded).toEqual(record);
    expect(decoded.documents.orders).toBeInstanceOf(Map);
    expect(typeof decoded.documents.orders.get('__proto__')?.amount).toBe('bigint');
    expect(typeof decoded.assessment?.total).toBe('bigint');
    expect(encodeState(decoded)).toBe(text);
    // and the decoded documents assess the same
    expect(assess(decoded.documents, '2026-03-10', params())).toEqual(record.assessment);
  });

  it('keeps ids like __proto__ and constructor as ordinary documents', () => {
    const record = fullRecord();
    const a = record.assessment!;
    // 7 orders of 100 each consumed 40, one closed
    expect(formatMoney(a.components.orders)).toBe('360.00');
    // 7 deliveries of 40 each invoiced 10
    expect(formatMoney(a.components.deliveries)).toBe('210.00');
    // every invoice posted
    expect(formatMoney(a.components.unpostedInvoices)).toBe('0.00');
    expect(formatMoney(a.components.receivables)).toBe('42.00'); // 7 x (10 - 4)
    expect(formatMoney(a.components.bills)).toBe('6.00');
    expect(formatMoney(a.overdueAmount)).toBe('42.00');
    expect(a.dishonouredBills12m).toBe(1);
    expect(record.documents.orders.size).toBe(awkwardIds.length);
    expect(record.documents.orders.get('__proto__')).toMatchObject({ amount: m('100.00'), closed: null });
  });

  it('cannot pollute prototypes', () => {
    const decoded = decodeState<CustomerRecord>(encodeState(fullRecord()));
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(decoded.documents.orders.get('__proto__'))).toBe(Object.prototype);
    const hostile = decodeState<Record<string, unknown>>(
      '{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"polluted":2}}},"m":{"$m":[["__proto__",{"polluted":3}]]}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect((hostile.m as Map<string, unknown>).get('__proto__')).toEqual({ polluted: 3 });
  });

  it('encodes bigint as marked strings and Maps with a tag, and still reads the earlier bigint tag', () => {
    expect(encodeState({ a: 12n, b: new Map([['k', -1n]]) })).toBe('{"a":"~12","b":{"$m":[["k","~-1"]]}}');
    expect(decodeState('{"a":"~12","b":{"$m":[["k","~-1"]]}}')).toEqual({
      a: 12n,
      b: new Map([['k', -1n]]),
    });
    expect(decodeState('{"a":{"$n":"12"},"b":{"$m":[["k",{"$n":"-1"}]]}}')).toEqual({
      a: 12n,
      b: new Map([['k', -1n]]),
    });
  });
});
