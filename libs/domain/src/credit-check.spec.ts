import fc from 'fast-check';
import { docsOf, ev, instalment, m, onlyComponents, params, payment } from '../test/fixtures';
import {
  applyFact,
  assess,
  checkBasis,
  CheckRequest,
  checkDocument,
  checkDocumentOn,
  CompanyParameters,
  components,
  CustomerDocuments,
  DEFAULT_PARAMETERS,
  DocumentType,
  Fact,
  formatMoney,
  incrementalExposure,
  total,
} from '.';

const TODAY = '2026-04-15';

const request = (
  documentType: DocumentType,
  amount: string,
  refs: { orderRefs?: [string, string][]; deliveryRefs?: [string, string][] } = {},
): CheckRequest => ({
  documentType,
  documentId: 'NEW-1',
  amount: m(amount),
  orderRefs: (refs.orderRefs ?? []).map(([orderId, a]) => ({ orderId, amount: m(a) })),
  deliveryRefs: (refs.deliveryRefs ?? []).map(([deliveryId, a]) => ({ deliveryId, amount: m(a) })),
});

/** The result with money as strings, for readable expectations. */
const shown = (docs: CustomerDocuments, req: CheckRequest, p: CompanyParameters = params()) => {
  const r = checkDocument(docs, req, TODAY, p);
  return {
    decision: r.decision,
    severity: r.severity,
    exposureBefore: formatMoney(r.exposureBefore),
    exposureAfter: formatMoney(r.exposureAfter),
    incremental: formatMoney(r.incremental),
    limit: r.limit === null ? null : formatMoney(r.limit),
    excess: formatMoney(r.excess),
    reasons: r.reasons,
    statusBefore: r.statusBefore,
    statusAfter: r.statusAfter,
  };
};

describe('checkDocument: incremental exposure', () => {
  it('counts a new order at its full amount on top of the current total', () => {
    const docs = docsOf(ev.limit('5000.00'), ev.order('SO-1', '1000.00'), ev.invoice('INV-1', '200.00'));
    expect(shown(docs, request('order', '300.00'))).toMatchObject({
      exposureBefore: '1200.00',
      incremental: '300.00',
      exposureAfter: '1500.00',
      limit: '5000.00',
      excess: '0.00',
    });
  });

  it('adds only what a delivery exceeds the residual of the order it fulfils', () => {
    const docs = docsOf(
      ev.order('SO-1', '1000.00'),
      ev.delivery('DN-1', '400.00', [['SO-1', '400.00']]), // SO-1 residual 600
    );
    expect(shown(docs, request('delivery', '700.00', { orderRefs: [['SO-1', '700.00']] }))).toMatchObject({
      exposureBefore: '1000.00',
      incremental: '100.00',
      exposureAfter: '1100.00',
    });
    // A reference below the residual takes over only the referenced amount.
    expect(shown(docs, request('delivery', '250.00', { orderRefs: [['SO-1', '200.00']] })).incremental).toBe(
      '50.00',
    );
  });

  it('lets several references to one order draw from the same residual', () => {
    const docs = docsOf(ev.order('SO-1', '500.00'));
    const req = request('delivery', '800.00', {
      orderRefs: [
        ['SO-1', '300.00'],
        ['SO-1', '300.00'],
      ],
    });
    expect(shown(docs, req).incremental).toBe('300.00');
  });

  it('takes over nothing from unknown, closed or cancelled documents', () => {
    const docs = docsOf(
      ev.order('SO-1', '500.00'),
      ev.closeOrder('SO-1'),
      ev.delivery('DN-1', '200.00'),
      ev.cancelDelivery('DN-1'),
    );
    const req = request('invoice', '400.00', {
      orderRefs: [
        ['SO-1', '100.00'],
        ['SO-X', '100.00'],
      ],
      deliveryRefs: [['DN-1', '100.00']],
    });
    expect(shown(docs, req).incremental).toBe('400.00');
  });

  it('lets an invoice take over delivery notes and orders', () => {
    const docs = docsOf(
      ev.order('SO-1', '300.00'),
      ev.delivery('DN-1', '500.00'),
      ev.invoice('INV-0', '100.00', { deliveryRefs: [['DN-1', '100.00']] }), // DN-1 residual 400
    );
    const req = request('invoice', '600.00', {
      deliveryRefs: [['DN-1', '450.00']],
      orderRefs: [['SO-1', '150.00']],
    });
    expect(shown(docs, req)).toMatchObject({
      exposureBefore: '800.00',
      incremental: '50.00',
      exposureAfter: '850.00',
    });
  });

  it('decides checks on one kept basis as on the documents, the basis unchanged by each check', () => {
    const docs = docsOf(ev.limit('5000.00'), ev.order('SO-1', '1000.00'), ev.delivery('DN-1', '400.00'));
    const basis = checkBasis(docs, TODAY, params());
    const delivery = request('delivery', '700.00', {
      orderRefs: [
        ['SO-1', '600.00'],
        ['SO-1', '600.00'],
      ],
    });
    const invoice = request('invoice', '400.00', { deliveryRefs: [['DN-1', '400.00']] });
    for (let round = 0; round < 2; round++) {
      for (const req of [delivery, invoice, request('order', '10.00')]) {
        expect(checkDocumentOn(basis, docs, req, params())).toEqual(
          checkDocument(docs, req, TODAY, params()),
        );
      }
    }
    expect(formatMoney(checkDocumentOn(basis, docs, delivery, params()).incremental)).toBe('-300.00');
  });

  it('may be negative when the references take over more than the document is worth', () => {
    const docs = docsOf(ev.order('SO-1', '1000.00'));
    expect(shown(docs, request('delivery', '100.00', { orderRefs: [['SO-1', '400.00']] })).incremental).toBe(
      '-300.00',
    );
  });

  it('counts only the components the company includes', () => {
    const docs = docsOf(ev.order('SO-1', '1000.00'), ev.delivery('DN-1', '200.00'));
    const noOrders = onlyComponents('deliveries', 'unpostedInvoices', 'receivables', 'bills');
    // The order is not counted, so a delivery fulfilling it takes nothing over...
    expect(
      shown(docs, request('delivery', '300.00', { orderRefs: [['SO-1', '300.00']] }), noOrders),
    ).toMatchObject({ exposureBefore: '200.00', incremental: '300.00', exposureAfter: '500.00' });
    // ...and a new order adds nothing to what the company counts.
    expect(shown(docs, request('order', '300.00'), noOrders).incremental).toBe('0.00');
  });
});

describe('checkDocument: decision', () => {
  const overLimit = () => docsOf(ev.limit('1000.00', { mode: 'block' }), ev.order('SO-1', '900.00'));

  it('holds a document that would take a block-mode customer over its limit', () => {
    expect(shown(overLimit(), request('order', '200.00'))).toEqual({
      decision: 'HOLD',
      severity: 'block',
      exposureBefore: '900.00',
      exposureAfter: '1100.00',
      incremental: '200.00',
      limit: '1000.00',
      excess: '100.00',
      reasons: ['LIMIT_EXCEEDED'],
      statusBefore: 'WARNING',
      statusAfter: 'EXCEEDED',
    });
  });

  it('warns, not holds, when the document only reaches the attention threshold', () => {
    const docs = docsOf(ev.limit('1000.00', { mode: 'block', pct: 80 }), ev.order('SO-1', '700.00'));
    expect(shown(docs, request('order', '99.99'))).toMatchObject({ decision: 'ALLOW', reasons: [] });
    expect(shown(docs, request('order', '100.00'))).toMatchObject({
      decision: 'WARN',
      severity: 'block',
      reasons: ['ATTENTION_THRESHOLD'],
      statusAfter: 'WARNING',
    });
    // Reaching the limit exactly is not exceeding it.
    expect(shown(docs, request('order', '300.00'))).toMatchObject({ decision: 'WARN', excess: '0.00' });
    expect(shown(docs, request('order', '300.01'))).toMatchObject({ decision: 'HOLD', excess: '0.01' });
  });

  it('only warns a warn-mode customer, whatever the company check', () => {
    const docs = docsOf(ev.limit('1000.00', { mode: 'warn' }), ev.order('SO-1', '900.00'));
    expect(shown(docs, request('order', '200.00'))).toMatchObject({
      decision: 'WARN',
      severity: 'warn',
      reasons: ['LIMIT_EXCEEDED'],
      excess: '100.00',
    });
  });

  it('applies the milder of the company check and the customer mode', () => {
    const warnInvoices = params({ documentChecks: { order: 'block', delivery: 'block', invoice: 'warn' } });
    expect(shown(overLimit(), request('invoice', '200.00'), warnInvoices)).toMatchObject({
      decision: 'WARN',
      severity: 'warn',
    });
    expect(shown(overLimit(), request('order', '200.00'), warnInvoices).decision).toBe('HOLD');
    const off = params({ documentChecks: { order: 'off', delivery: 'off', invoice: 'off' } });
    expect(shown(overLimit(), request('order', '5000.00'), off)).toMatchObject({
      decision: 'ALLOW',
      severity: 'off',
      reasons: [],
      excess: '4900.00',
    });
  });

  it('holds any document of a customer blocked for overdue items, unless the limit says not to', () => {
    const overdue = [
      ev.post('JE-1', '2026-03-01', [instalment('INV-1', 'OI-1', '100.00', '2026-03-31')]),
      ev.post('JE-2', '2026-04-01', [payment('40.00', [['OI-1', '40.00']])]),
    ];
    const blocked = docsOf(ev.limit('10000.00', { mode: 'block' }), ...overdue);
    expect(shown(blocked, request('order', '1.00'))).toMatchObject({
      decision: 'HOLD',
      reasons: ['OVERDUE'],
      excess: '0.00',
      statusAfter: 'OK',
    });
    const tolerant = docsOf(ev.limit('10000.00', { mode: 'block', blockOnOverdue: false }), ...overdue);
    expect(shown(tolerant, request('order', '1.00')).decision).toBe('ALLOW');
    const withinTolerance = docsOf(ev.limit('10000.00', { mode: 'block', toleranceDays: 15 }), ...overdue);
    expect(shown(withinTolerance, request('order', '1.00')).decision).toBe('ALLOW');
    const warnMode = docsOf(ev.limit('10000.00', { mode: 'warn' }), ...overdue);
    expect(shown(warnMode, request('order', '1.00'))).toMatchObject({
      decision: 'WARN',
      reasons: ['OVERDUE'],
    });
  });

  it('holds every document of a block-mode customer whose limit has expired', () => {
    const docs = docsOf(ev.limit('1000.00', { validUntil: '2026-04-14' }));
    expect(shown(docs, request('order', '0.00'))).toMatchObject({
      decision: 'HOLD',
      limit: '0.00',
      reasons: ['LIMIT_EXPIRED'],
      statusAfter: 'WARNING',
    });
    expect(shown(docs, request('order', '10.00')).reasons).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXPIRED']);
    const stillValid = docsOf(ev.limit('1000.00', { validUntil: '2026-04-15' }));
    expect(shown(stillValid, request('order', '10.00')).decision).toBe('ALLOW');
  });

  it('allows everything without a limit, unless the missing-limit policy sets one of zero', () => {
    const docs = docsOf(ev.order('SO-1', '1000000.00'));
    expect(shown(docs, request('order', '5.00'))).toMatchObject({
      decision: 'ALLOW',
      severity: 'off',
      limit: null,
      excess: '0.00',
      statusBefore: 'NO_LIMIT',
      statusAfter: 'NO_LIMIT',
    });
    expect(shown(docs, request('order', '5.00'), params({ missingLimit: 'zero-block' }))).toMatchObject({
      decision: 'HOLD',
      limit: '0.00',
      excess: '1000005.00',
    });
    expect(shown(docs, request('order', '5.00'), params({ missingLimit: 'zero-warn' })).decision).toBe(
      'WARN',
    );
  });

  it('checks a customer with no documents at all against the defaults', () => {
    expect(shown(docsOf(), request('invoice', '10.00'), DEFAULT_PARAMETERS)).toMatchObject({
      decision: 'ALLOW',
      exposureBefore: '0.00',
      exposureAfter: '10.00',
    });
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const ORDER_IDS = ['SO-1', 'SO-2', 'SO-3', 'SO-4'];
const DELIVERY_IDS = ['DN-1', 'DN-2', 'DN-3'];
const cents = (maxCents = 300_000) => fc.bigInt({ min: 0n, max: BigInt(maxCents) });
const money = (maxCents?: number) => cents(maxCents).map(formatMoney);

/** Customer histories: orders, deliveries and invoices referencing them, an overdue item maybe, a limit maybe. */
const histories: fc.Arbitrary<Fact[]> = fc
  .record({
    orders: fc.array(fc.tuple(fc.constantFrom(...ORDER_IDS), money(), fc.boolean()), { maxLength: 4 }),
    deliveries: fc.array(
      fc.tuple(
        fc.constantFrom(...DELIVERY_IDS),
        money(),
        fc.array(fc.tuple(fc.constantFrom(...ORDER_IDS, 'SO-9'), money()), { maxLength: 2 }),
        fc.boolean(),
      ),
      { maxLength: 3 },
    ),
    invoices: fc.array(
      fc.tuple(money(), fc.array(fc.tuple(fc.constantFrom(...DELIVERY_IDS), money()), { maxLength: 2 })),
      { maxLength: 2 },
    ),
    overdue: fc.option(fc.tuple(money(50_000), fc.integer({ min: -10, max: 10 })), { nil: undefined }),
    limit: fc.option(
      fc.record({
        amount: money(1_000_000),
        mode: fc.constantFrom('warn' as const, 'block' as const),
        pct: fc.integer({ min: 1, max: 100 }),
        validUntil: fc.option(fc.constantFrom('2026-04-14', '2026-04-15', '2026-12-31'), { nil: undefined }),
        blockOnOverdue: fc.boolean(),
        toleranceDays: fc.integer({ min: 0, max: 5 }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ orders, deliveries, invoices, overdue, limit }) => {
    const facts: Fact[] = [];
    for (const [id, amount, closed] of orders) {
      facts.push(ev.order(id, amount));
      if (closed) facts.push(ev.closeOrder(id));
    }
    for (const [id, amount, refs, cancelled] of deliveries) {
      facts.push(ev.delivery(id, amount, refs));
      if (cancelled) facts.push(ev.cancelDelivery(id));
    }
    invoices.forEach(([amount, refs], i) =>
      facts.push(ev.invoice(`INV-${i}`, amount, { deliveryRefs: refs })),
    );
    if (overdue !== undefined) {
      const [amount, daysFromToday] = overdue;
      const due = new Date(Date.UTC(2026, 3, 15 + daysFromToday)).toISOString().slice(0, 10);
      facts.push(
        ev.post('JE-1', '2026-01-10', [
          instalment('INV-P', 'OI-1', amount === '0.00' ? '1.00' : amount, due),
        ]),
      );
    }
    if (limit !== undefined) facts.push(ev.limit(limit.amount, limit));
    return facts;
  });

const paramsArb: fc.Arbitrary<CompanyParameters> = fc
  .record({
    orders: fc.boolean(),
    deliveries: fc.boolean(),
    unpostedInvoices: fc.boolean(),
    checks: fc.tuple(
      ...[0, 1, 2].map(() => fc.constantFrom('off' as const, 'warn' as const, 'block' as const)),
    ),
    missingLimit: fc.constantFrom('no-limit' as const, 'zero-warn' as const, 'zero-block' as const),
  })
  .map((p) => ({
    ...DEFAULT_PARAMETERS,
    includedComponents: {
      ...DEFAULT_PARAMETERS.includedComponents,
      orders: p.orders,
      deliveries: p.deliveries,
      unpostedInvoices: p.unpostedInvoices,
    },
    documentChecks: { order: p.checks[0], delivery: p.checks[1], invoice: p.checks[2] },
    missingLimit: p.missingLimit,
  }));

/** Requests for new deliveries (order refs) and invoices (order and delivery refs), as the fold knows them. */
const requests: fc.Arbitrary<CheckRequest> = fc
  .record({
    documentType: fc.constantFrom('delivery' as const, 'invoice' as const, 'order' as const),
    amount: cents(),
    orderRefs: fc.array(fc.record({ orderId: fc.constantFrom(...ORDER_IDS, 'SO-9'), amount: cents() }), {
      maxLength: 3,
    }),
    deliveryRefs: fc.array(
      fc.record({ deliveryId: fc.constantFrom(...DELIVERY_IDS, 'DN-9'), amount: cents() }),
      { maxLength: 3 },
    ),
  })
  .map((r) => ({
    documentId: 'NEW-1',
    ...r,
    orderRefs: r.documentType === 'order' ? [] : r.orderRefs,
    deliveryRefs: r.documentType === 'invoice' ? r.deliveryRefs : [],
  }));

/** The fact the ERP sends once the checked document is created. */
function creationOf(req: CheckRequest): Fact {
  const envelope = {
    eventId: 'created',
    occurredAt: '2026-04-15T10:00:00+02:00',
    companyId: 'IT01',
    customerId: 'C1',
  };
  switch (req.documentType) {
    case 'order':
      return { ...envelope, type: 'order.confirmed', orderId: req.documentId, amount: req.amount };
    case 'delivery':
      return {
        ...envelope,
        type: 'delivery.issued',
        deliveryId: req.documentId,
        amount: req.amount,
        orderRefs: [...req.orderRefs],
      };
    case 'invoice':
      return {
        ...envelope,
        type: 'invoice.issued',
        invoiceId: req.documentId,
        kind: 'invoice',
        amount: req.amount,
        orderRefs: [...req.orderRefs],
        deliveryRefs: [...req.deliveryRefs],
      };
  }
}

const RANK = { ALLOW: 0, WARN: 1, HOLD: 2 } as const;
const sumOf = (amounts: bigint[]) => amounts.reduce((a, b) => a + b, 0n);

describe('checkDocument: properties', () => {
  it('predicts exactly what the fold adds once the document is created', () => {
    fc.assert(
      fc.property(histories, requests, paramsArb, (facts, req, p) => {
        const docs = docsOf(...facts);
        const result = checkDocument(docs, req, TODAY, p);
        const after = applyFact(docs, creationOf(req));
        expect(result.exposureBefore).toBe(total(components(docs, TODAY, p), p));
        expect(result.exposureAfter).toBe(total(components(after, TODAY, p), p));
        expect(result.incremental).toBe(result.exposureAfter - result.exposureBefore);
      }),
    );
  });

  it('never adds more than the amount, nor less than 0 when counted and the references stay within it', () => {
    fc.assert(
      fc.property(histories, requests, paramsArb, (facts, req, p) => {
        const incremental = incrementalExposure(docsOf(...facts), req, p);
        expect(incremental <= req.amount).toBe(true);
        const referenced =
          sumOf(req.orderRefs.map((r) => r.amount)) + sumOf(req.deliveryRefs.map((r) => r.amount));
        const own = { order: 'orders', delivery: 'deliveries', invoice: 'unpostedInvoices' } as const;
        if (referenced <= req.amount && p.includedComponents[own[req.documentType]]) {
          expect(incremental >= 0n).toBe(true);
        }
      }),
    );
  });

  it('always allows when the effective severity is off', () => {
    fc.assert(
      fc.property(histories, requests, paramsArb, (facts, req, p) => {
        const result = checkDocument(docsOf(...facts), req, TODAY, p);
        if (p.documentChecks[req.documentType] === 'off') {
          expect(result).toMatchObject({ decision: 'ALLOW', severity: 'off', reasons: [] });
        }
        if (result.severity === 'off') expect(result.decision).toBe('ALLOW');
        if (result.severity !== 'block') expect(result.decision).not.toBe('HOLD');
        if (result.limit === null) expect(result).toMatchObject({ decision: 'ALLOW', excess: 0n });
      }),
    );
  });

  it('is monotone in the amount: a bigger document is never treated more leniently', () => {
    fc.assert(
      fc.property(histories, requests, cents(), paramsArb, (facts, req, extra, p) => {
        const docs = docsOf(...facts);
        const small = checkDocument(docs, req, TODAY, p);
        const big = checkDocument(docs, { ...req, amount: req.amount + extra }, TODAY, p);
        expect(RANK[big.decision]).toBeGreaterThanOrEqual(RANK[small.decision]);
        expect(big.exposureAfter >= small.exposureAfter).toBe(true);
        expect(big.excess >= small.excess).toBe(true);
      }),
    );
  });

  it('holds under block exactly when the customer would be blocked once the document exists', () => {
    fc.assert(
      fc.property(histories, requests, paramsArb, (facts, req, p) => {
        const docs = docsOf(...facts);
        const result = checkDocument(docs, req, TODAY, p);
        const assessment = assess(applyFact(docs, creationOf(req)), TODAY, p);
        expect(result.statusAfter).toBe(assessment.status);
        expect(result.limit).toBe(assessment.limitAmount);
        if (result.severity === 'block') {
          expect(result.decision === 'HOLD').toBe(assessment.blocked);
          if (result.decision === 'HOLD') expect(result.reasons).toEqual(assessment.blockReasons);
          if (result.decision === 'WARN') expect(assessment.status).toBe('WARNING');
        }
        if (result.severity === 'warn') {
          const attention = assessment.status === 'WARNING' || assessment.status === 'EXCEEDED';
          const limit = docs.limit;
          const expired = limit !== null && limit.validUntil !== null && limit.validUntil < TODAY;
          const overdueBlocks = (limit?.blockOnOverdue ?? true) && assessment.overdueBreach;
          expect(result.decision === 'WARN').toBe(attention || expired || overdueBlocks);
        }
        if (result.limit !== null) {
          const excess = result.exposureAfter - result.limit;
          expect(result.excess).toBe(excess > 0n ? excess : 0n);
        }
      }),
      { numRuns: 500 },
    );
  });
});
