import fc from 'fast-check';
import { RawEnvelope } from '../encode';
import { INPUT_EVENT_TYPES, InputEventType, InputStream, STREAM_EVENT_TYPES } from '../schemas';

/**
 * fast-check arbitraries of VALID raw input events (wire form), for property tests here and in
 * other packages. Test-only: imports fast-check (a dev dependency); not exported from the index.
 */
export const idArb = fc.string({ minLength: 1, maxLength: 40 });
export const companyIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
export const customerIdArb = fc.stringMatching(/^[A-Za-z0-9._/-]{1,64}$/);
export const eventIdArb = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 128 }));

export const moneyNonNegativeArb = fc.stringMatching(/^[0-9]{1,13}(\.[0-9]{1,2})?$/);
export const moneyPositiveArb = moneyNonNegativeArb.filter((m) => /[1-9]/.test(m));

export const businessDateArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

export const instantArb = fc
  .tuple(
    fc.date({
      min: new Date('1990-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.constantFrom('Z', '+01:00', '+02:00', '-05:00', '+05:30'),
    fc.boolean(),
  )
  .map(([d, offset, millis]) => {
    const iso = d.toISOString();
    return `${millis ? iso.slice(0, 23) : iso.slice(0, 19)}${offset}`;
  });

/** Unknown extra fields that a tolerant reader must ignore. */
const extrasArb = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).map((k) => `x_${k}`),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 2 },
);

const withExtras = <T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(arb, extrasArb).map(([value, extras]) => ({ ...extras, ...value }));

const orderRefsArb = fc.array(fc.record({ orderId: idArb, amount: moneyNonNegativeArb }), { maxLength: 4 });
const deliveryRefsArb = fc.array(fc.record({ deliveryId: idArb, amount: moneyNonNegativeArb }), {
  maxLength: 4,
});

const debitLineArb = fc
  .tuple(
    fc.record({ lineId: idArb, side: fc.constant('debit' as const), amount: moneyPositiveArb }),
    fc.option(idArb, { nil: undefined }),
    fc.option(fc.tuple(idArb, businessDateArb), { nil: undefined }),
  )
  .map(([line, invoiceRef, openItem]) => ({
    ...line,
    ...(invoiceRef === undefined ? {} : { invoiceRef }),
    ...(openItem === undefined ? {} : { openItemId: openItem[0], dueDate: openItem[1] }),
  }));

const creditLineArb = fc.record(
  {
    lineId: idArb,
    side: fc.constant('credit' as const),
    amount: moneyPositiveArb,
    invoiceRef: idArb,
    settles: fc.array(fc.record({ openItemId: idArb, amount: moneyNonNegativeArb }), { maxLength: 3 }),
  },
  { requiredKeys: ['lineId', 'side', 'amount'] },
);

const DATA_ARBS: Record<InputEventType, fc.Arbitrary<Record<string, unknown>>> = {
  'order.confirmed': fc.record(
    {
      orderId: idArb,
      amount: moneyNonNegativeArb,
      orderDate: businessDateArb,
      paymentTermsDays: fc.integer({ min: 0, max: 3650 }),
    },
    { requiredKeys: ['orderId', 'amount'] },
  ),
  'order.closed': fc.record({
    orderId: idArb,
    reason: fc.constantFrom('cancelled', 'completed', 'short-closed'),
  }),
  'delivery.issued': fc.record(
    {
      deliveryId: idArb,
      amount: moneyNonNegativeArb,
      deliveryDate: businessDateArb,
      orderRefs: orderRefsArb,
    },
    { requiredKeys: ['deliveryId', 'amount'] },
  ),
  'delivery.cancelled': fc.record({ deliveryId: idArb }),
  'invoice.issued': fc.record(
    {
      invoiceId: idArb,
      kind: fc.constantFrom('invoice', 'credit-note'),
      amount: moneyNonNegativeArb,
      invoiceDate: businessDateArb,
      deliveryRefs: deliveryRefsArb,
      orderRefs: orderRefsArb,
    },
    { requiredKeys: ['invoiceId', 'kind', 'amount'] },
  ),
  'invoice.cancelled': fc.record({ invoiceId: idArb }),
  'document.checkRequested': fc.record(
    {
      documentType: fc.constantFrom('order', 'delivery', 'invoice'),
      documentId: idArb,
      amount: moneyNonNegativeArb,
      orderRefs: orderRefsArb,
      deliveryRefs: deliveryRefsArb,
      requestedBy: idArb,
      paymentTermsDays: fc.integer({ min: 0, max: 3650 }),
    },
    { requiredKeys: ['documentType', 'documentId', 'amount'] },
  ),
  'journal.posted': fc.record({
    entryId: idArb,
    postingDate: businessDateArb,
    lines: fc.array(fc.oneof(debitLineArb, creditLineArb), { minLength: 1, maxLength: 5 }),
  }),
  'journal.reversed': fc.record({ entryId: idArb }),
  'bill.issued': fc.record({
    billId: idArb,
    amount: moneyPositiveArb,
    dueDate: businessDateArb,
    instrument: fc.constantFrom('riba', 'bill-of-exchange', 'sdd', 'other'),
  }),
  'bill.presented': fc.record(
    { billId: idArb, presentedAt: fc.oneof(businessDateArb, instantArb), bankId: idArb },
    { requiredKeys: ['billId', 'presentedAt'] },
  ),
  'bill.collected': fc.record({ billId: idArb, collectedAt: fc.oneof(businessDateArb, instantArb) }),
  'bill.dishonoured': fc.record(
    { billId: idArb, dishonouredAt: fc.oneof(businessDateArb, instantArb), reason: idArb },
    { requiredKeys: ['billId', 'dishonouredAt'] },
  ),
  'bill.cancelled': fc.record({ billId: idArb }),
  'creditLimit.set': fc.record(
    {
      amount: moneyNonNegativeArb,
      mode: fc.constantFrom('warn', 'block'),
      attentionThresholdPct: fc.integer({ min: 1, max: 100 }),
      validUntil: businessDateArb,
      blockOnOverdue: fc.boolean(),
      overdueToleranceDays: fc.integer({ min: 0, max: 365 }),
      setBy: idArb,
      reason: idArb,
    },
    { requiredKeys: ['amount', 'mode', 'setBy'] },
  ),
  'creditLimit.removed': fc.record({ removedBy: idArb, reason: idArb }, { requiredKeys: ['removedBy'] }),
  'creditClass.assigned': fc.record(
    {
      code: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
      description: idArb,
      maxPaymentTermsDays: fc.integer({ min: 0, max: 3650 }),
      maxDocumentAmount: fc.option(moneyNonNegativeArb),
      reviewEveryDays: fc.option(fc.integer({ min: 1, max: 3650 })),
      assignedBy: idArb,
      reason: idArb,
    },
    { requiredKeys: ['code', 'maxPaymentTermsDays', 'assignedBy'] },
  ),
  'creditClass.removed': fc.record({ removedBy: idArb, reason: idArb }, { requiredKeys: ['removedBy'] }),
  'manualBlock.set': fc.record(
    { reason: idArb, until: fc.option(businessDateArb), setBy: idArb },
    { requiredKeys: ['reason', 'setBy'] },
  ),
  'manualBlock.removed': fc.record({ removedBy: idArb, reason: idArb }, { requiredKeys: ['removedBy'] }),
  'collectionAction.recorded': fc.oneof(
    fc.record(
      {
        actionId: idArb,
        actionType: fc.constantFrom('call' as const, 'note' as const),
        text: idArb,
        recordedBy: idArb,
        assignee: idArb,
      },
      { requiredKeys: ['actionId', 'actionType', 'text', 'recordedBy'] },
    ),
    fc.record({
      actionId: idArb,
      actionType: fc.constant('promise' as const),
      text: idArb,
      recordedBy: idArb,
      promise: fc.record({ amount: moneyPositiveArb, date: businessDateArb }),
    }),
    fc.record({
      actionId: idArb,
      actionType: fc.constant('stage' as const),
      text: idArb,
      recordedBy: idArb,
      stage: fc.constantFrom('legal' as const, 'written-off' as const),
    }),
    fc.record({
      actionId: idArb,
      actionType: fc.constant('assign' as const),
      text: idArb,
      recordedBy: idArb,
      assignee: idArb,
    }),
  ),
  'customer.updated': fc.record(
    {
      name: idArb,
      vatNumber: fc.string({ minLength: 1, maxLength: 32 }),
      salesAgentId: idArb,
      paymentTermsDays: fc.integer({ min: 0, max: 365 }),
      email: fc.emailAddress().filter((e) => e.length <= 254),
    },
    { requiredKeys: ['name'] },
  ),
};

const STREAM_OF = new Map<string, InputStream>(
  (Object.keys(STREAM_EVENT_TYPES) as InputStream[]).flatMap((s) =>
    STREAM_EVENT_TYPES[s].map((t) => [t, s] as const),
  ),
);

/** A valid raw envelope of the given type (or any type), with the stream it belongs to. */
export function validEventArb(
  types: readonly InputEventType[] = INPUT_EVENT_TYPES,
): fc.Arbitrary<{ stream: InputStream; envelope: RawEnvelope }> {
  return fc.constantFrom(...types).chain((type) =>
    fc
      .record({
        eventId: eventIdArb,
        occurredAt: instantArb,
        companyId: companyIdArb,
        customerId: customerIdArb,
        data: withExtras(DATA_ARBS[type]),
        extras: extrasArb,
      })
      .map(({ extras, ...fields }) => ({
        stream: STREAM_OF.get(type)!,
        envelope: { ...extras, ...fields, type, schemaVersion: 1 } as RawEnvelope,
      })),
  );
}
