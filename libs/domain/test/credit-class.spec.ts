import fc from 'fast-check';
import { docsOf, ev, m, params } from './fixtures';
import {
  addDays,
  assess,
  CheckRequest,
  checkDocument,
  CheckSeverity,
  CompanyParameters,
  CustomerDocuments,
  CustomerRecord,
  decodeState,
  effectiveLimit,
  encodeState,
  formatMoney,
  LimitMode,
  newCustomerRecord,
  nextReviewDate,
  reassess,
  reviewDueOn,
} from '../src';

const TODAY = '2026-04-15';

const order = (amount: string, paymentTermsDays?: number): CheckRequest => ({
  documentType: 'order',
  documentId: 'NEW-1',
  amount: m(amount),
  orderRefs: [],
  deliveryRefs: [],
  ...(paymentTermsDays === undefined ? {} : { paymentTermsDays }),
});

const decide = (docs: CustomerDocuments, request: CheckRequest, p: CompanyParameters = params()) => {
  const r = checkDocument(docs, request, TODAY, p);
  return { decision: r.decision, reasons: r.reasons, severity: r.severity };
};

describe('temporary limit', () => {
  const docs = docsOf(
    ev.limit('1000.00', { temporary: ['5000.00', '2026-04-30'] }),
    ev.order('SO-1', '4500.00'),
  );

  it('applies the temporary amount through its date, then the base amount by the clock', () => {
    expect(formatMoney(effectiveLimit(docs.limit, '2026-04-30', params())!.amount)).toBe('5000.00');
    expect(formatMoney(effectiveLimit(docs.limit, '2026-05-01', params())!.amount)).toBe('1000.00');
    expect(assess(docs, '2026-04-30', params())).toMatchObject({ status: 'WARNING', blocked: false });
    expect(assess(docs, '2026-05-01', params())).toMatchObject({
      status: 'EXCEEDED',
      limitAmount: m('1000.00'),
      blockReasons: ['LIMIT_EXCEEDED'],
    });
  });

  it('plans a review the day after the temporary amount ends', () => {
    expect(nextReviewDate(docs, '2026-04-29', params())).toBe('2026-05-01');
  });

  it('counts 0 once the limit itself has expired, temporary amount or not', () => {
    const expired = docsOf(
      ev.limit('1000.00', { validUntil: '2026-04-10', temporary: ['5000.00', '2026-04-30'] }),
    );
    expect(effectiveLimit(expired.limit, TODAY, params())).toMatchObject({ amount: 0n, expired: true });
  });

  it('property: the effective amount is the temporary one exactly while the date is <= temporaryUntil', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.integer({ min: -400, max: 400 }),
        (base, temporary, offset) => {
          const until = '2026-06-30';
          const date = addDays(until, offset);
          const limit = docsOf(
            ev.limit(formatMoney(base), { temporary: [formatMoney(temporary), until] }),
          ).limit;
          const amount = effectiveLimit(limit, date, params())!.amount;
          return amount === (date <= until ? temporary : base);
        },
      ),
    );
  });
});

describe('manual block', () => {
  it('blocks with MANUAL whatever the limit mode, and with no limit at all', () => {
    for (const docs of [
      docsOf(ev.limit('1000.00', { mode: 'warn' }), ev.manualBlock('insolvency')),
      docsOf(ev.limit('1000.00', { mode: 'block' }), ev.manualBlock('insolvency')),
      docsOf(ev.manualBlock('insolvency')),
    ]) {
      expect(assess(docs, TODAY, params())).toMatchObject({
        blocked: true,
        blockReasons: ['MANUAL'],
        manualBlock: { reason: 'insolvency', until: null },
      });
    }
  });

  it('adds MANUAL after the limit reasons', () => {
    const docs = docsOf(ev.limit('100.00'), ev.order('SO-1', '200.00'), ev.manualBlock('fraud'));
    expect(assess(docs, TODAY, params()).blockReasons).toEqual(['LIMIT_EXCEEDED', 'MANUAL']);
  });

  it('holds through its until date and ends the day after, with no event', () => {
    const docs = docsOf(ev.manualBlock('dispute', '2026-04-20'));
    expect(assess(docs, '2026-04-20', params()).blockReasons).toEqual(['MANUAL']);
    expect(assess(docs, '2026-04-21', params())).toMatchObject({ blocked: false, manualBlock: null });
    expect(nextReviewDate(docs, TODAY, params())).toBe('2026-04-21');
  });

  it('ends when removed', () => {
    const docs = docsOf(ev.manualBlock('dispute'), ev.removeManualBlock());
    expect(assess(docs, TODAY, params())).toMatchObject({ blocked: false, manualBlock: null });
  });

  it('publishes customer.blocked MANUAL, then customer.unblocked when the date passes', () => {
    const docs = docsOf(ev.manualBlock('dispute', '2026-04-20'));
    const blocked = reassess(newCustomerRecord('IT01', 'C1'), docs, '2026-04-20', params());
    expect(blocked.notifications).toEqual([{ type: 'customer.blocked', reasons: ['MANUAL'] }]);
    expect(blocked.record.reviewOn).toBe('2026-04-21');
    const ended = reassess(blocked.record, docs, '2026-04-21', params());
    expect(ended.notifications).toEqual([{ type: 'customer.unblocked', previousReasons: ['MANUAL'] }]);
  });

  it('holds every document of the customer with MANUAL by the company check, even in warn mode', () => {
    const warnMode = docsOf(ev.limit('100000.00', { mode: 'warn' }), ev.manualBlock('fraud'));
    expect(decide(warnMode, order('10.00'))).toEqual({
      decision: 'HOLD',
      reasons: ['MANUAL'],
      severity: 'block',
    });
    const noLimit = docsOf(ev.manualBlock('fraud'));
    expect(decide(noLimit, order('10.00'))).toEqual({
      decision: 'HOLD',
      reasons: ['MANUAL'],
      severity: 'block',
    });
    const warnCheck = params({ documentChecks: { order: 'warn', delivery: 'block', invoice: 'block' } });
    expect(decide(noLimit, order('10.00'), warnCheck)).toMatchObject({
      decision: 'WARN',
      reasons: ['MANUAL'],
    });
    const offCheck = params({ documentChecks: { order: 'off', delivery: 'block', invoice: 'block' } });
    expect(decide(noLimit, order('10.00'), offCheck)).toMatchObject({ decision: 'ALLOW', reasons: [] });
    const ended = docsOf(ev.manualBlock('fraud', '2026-04-14'));
    expect(decide(ended, order('10.00')).decision).toBe('ALLOW');
  });
});

describe('credit class checks', () => {
  const classed = (...extra: Parameters<typeof ev.limit>[]) =>
    docsOf(
      ...extra.map((args) => ev.limit(...args)),
      ev.creditClass('B2', { maxPaymentTermsDays: 60, maxDocumentAmount: '2000.00' }),
    );

  it('holds terms above the class maximum with PAYMENT_TERMS_EXCEEDED; the maximum itself passes', () => {
    const docs = classed(['100000.00']);
    expect(decide(docs, order('100.00', 90))).toMatchObject({
      decision: 'HOLD',
      reasons: ['PAYMENT_TERMS_EXCEEDED'],
    });
    expect(decide(docs, order('100.00', 60)).decision).toBe('ALLOW');
    expect(decide(docs, order('100.00')).decision).toBe('ALLOW'); // terms not given: not checked
  });

  it('holds an amount above maxDocumentAmount with DOCUMENT_AMOUNT_EXCEEDED; the maximum itself passes', () => {
    const docs = classed(['100000.00']);
    expect(decide(docs, order('2000.01'))).toMatchObject({
      decision: 'HOLD',
      reasons: ['DOCUMENT_AMOUNT_EXCEEDED'],
    });
    expect(decide(docs, order('2000.00')).decision).toBe('ALLOW');
    expect(decide(docs, order('2500.00', 90)).reasons).toEqual([
      'PAYMENT_TERMS_EXCEEDED',
      'DOCUMENT_AMOUNT_EXCEEDED',
    ]);
  });

  it('lists the limit reasons first, and holds on every blocking reason', () => {
    const docs = classed(['1000.00']);
    expect(decide(docs, order('2500.00', 90)).reasons).toEqual([
      'LIMIT_EXCEEDED',
      'PAYMENT_TERMS_EXCEEDED',
      'DOCUMENT_AMOUNT_EXCEEDED',
    ]);
  });

  it('only warns in warn mode, like the limit', () => {
    expect(decide(classed(['100000.00', { mode: 'warn' }]), order('100.00', 90))).toEqual({
      decision: 'WARN',
      reasons: ['PAYMENT_TERMS_EXCEEDED'],
      severity: 'warn',
    });
  });

  it('judges with the company check alone when the customer has no limit', () => {
    expect(decide(classed(), order('100.00', 90))).toMatchObject({ decision: 'HOLD', severity: 'block' });
    const warnCheck = params({ documentChecks: { order: 'warn', delivery: 'block', invoice: 'block' } });
    expect(decide(classed(), order('100.00', 90), warnCheck).decision).toBe('WARN');
  });

  it('checks nothing for a customer without a class, or whose class was removed', () => {
    expect(decide(docsOf(ev.limit('100000.00')), order('5000.00', 3650)).decision).toBe('ALLOW');
    const removed = docsOf(ev.creditClass('B2', { maxPaymentTermsDays: 0 }), ev.removeCreditClass());
    expect(decide(removed, order('5000.00', 3650))).toEqual({
      decision: 'ALLOW',
      reasons: [],
      severity: 'off',
    });
  });

  it('property: each class condition decides with the effective severity of the limit', () => {
    const severities: CheckSeverity[] = ['off', 'warn', 'block'];
    const rank = (s: CheckSeverity) => severities.indexOf(s);
    fc.assert(
      fc.property(
        fc.constantFrom(...severities),
        fc.option(fc.constantFrom<LimitMode>('warn', 'block'), { nil: null }),
        fc.integer({ min: 0, max: 3650 }),
        fc.option(fc.integer({ min: 0, max: 3650 }), { nil: undefined }),
        fc.bigInt({ min: 0n, max: 10n ** 7n }),
        fc.bigInt({ min: 0n, max: 10n ** 7n }),
        (companyCheck, mode, maxTerms, terms, maxAmount, amount) => {
          const facts = [
            ev.creditClass('X', { maxPaymentTermsDays: maxTerms, maxDocumentAmount: formatMoney(maxAmount) }),
          ];
          // A limit far above anything, so only the class can speak.
          if (mode !== null) facts.unshift(ev.limit('999999999.00', { mode }));
          const p = params({ documentChecks: { order: companyCheck, delivery: 'block', invoice: 'block' } });
          const request = {
            ...order(formatMoney(amount)),
            ...(terms === undefined ? {} : { paymentTermsDays: terms }),
          };
          const result = checkDocument(docsOf(...facts), request, TODAY, p);
          const expectedReasons = [
            ...(terms !== undefined && terms > maxTerms ? ['PAYMENT_TERMS_EXCEEDED'] : []),
            ...(amount > maxAmount ? ['DOCUMENT_AMOUNT_EXCEEDED'] : []),
          ];
          const severity = mode === null || rank(companyCheck) <= rank(mode) ? companyCheck : mode;
          const expected =
            expectedReasons.length === 0 || severity === 'off'
              ? 'ALLOW'
              : severity === 'block'
                ? 'HOLD'
                : 'WARN';
          expect(result.decision).toBe(expected);
          expect(result.reasons).toEqual(expected === 'ALLOW' ? [] : expectedReasons);
        },
      ),
    );
  });
});

describe('credit review date', () => {
  // 23:30 UTC on March 31 is April 1 in Rome: the review period runs from the company's business date.
  const assigned = ev.creditClass('B2', { reviewEveryDays: 30, occurredAt: '2026-03-31T23:30:00Z' });

  it('falls reviewEveryDays after the latest class or limit change, in the company time zone', () => {
    expect(reviewDueOn(docsOf(assigned), 'Europe/Rome')).toBe('2026-05-01');
    const laterLimit = ev.limit('1000.00', { occurredAt: '2026-04-10T09:00:00+02:00' });
    expect(reviewDueOn(docsOf(assigned, laterLimit), 'Europe/Rome')).toBe('2026-05-10');
    expect(assess(docsOf(assigned), TODAY, params())).toMatchObject({
      creditClass: { code: 'B2', reviewEveryDays: 30 },
      lastCreditChangeOn: '2026-04-01',
      reviewDueOn: '2026-05-01',
    });
  });

  it('is none without a class or without reviewEveryDays', () => {
    expect(reviewDueOn(docsOf(ev.limit('1000.00')), 'Europe/Rome')).toBeNull();
    expect(reviewDueOn(docsOf(ev.creditClass('B2')), 'Europe/Rome')).toBeNull();
  });

  it('is a review date of the scheduler', () => {
    expect(nextReviewDate(docsOf(assigned), TODAY, params())).toBe('2026-05-01');
  });

  it('publishes creditReview.due once on its date, and again only for a new date', () => {
    const docs = docsOf(assigned);
    let record: CustomerRecord = reassess(
      newCustomerRecord('IT01', 'C1'),
      docs,
      '2026-04-30',
      params(),
    ).record;
    const due = reassess(record, docs, '2026-05-01', params());
    expect(due.notifications).toEqual([
      {
        type: 'creditReview.due',
        dueOn: '2026-05-01',
        creditClass: 'B2',
        lastChangedOn: '2026-04-01',
        reviewEveryDays: 30,
      },
    ]);
    // The engine stores the record as JSON: the announcement survives it.
    record = decodeState<CustomerRecord>(encodeState(due.record));
    expect(reassess(record, docs, '2026-05-02', params()).notifications).toEqual([]);
    expect(reassess(record, docs, '2026-05-01', params()).notifications).toEqual([]);
    // A limit decided after the review moves the date; the new one is announced on its day.
    const reviewed = docsOf(
      assigned,
      ev.limit('1000.00', { mode: 'warn', occurredAt: '2026-05-02T09:00:00+02:00' }),
    );
    const after = reassess(record, reviewed, '2026-05-02', params());
    expect(after.notifications.map((n) => n.type)).toEqual(['exposure.statusChanged']);
    expect(after.record.reviewOn).toBe('2026-06-01');
    expect(reassess(after.record, reviewed, '2026-06-01', params()).notifications).toMatchObject([
      { type: 'creditReview.due', dueOn: '2026-06-01', lastChangedOn: '2026-05-02' },
    ]);
  });
});
