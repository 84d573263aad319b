/**
 * Builders for the unit tests: facts as the contract describes them (money as
 * decimal strings, converted with parseMoney), so each example reads like the spec.
 */
import {
  applyFacts,
  BillInstrument,
  CompanyParameters,
  ComponentName,
  CustomerDocuments,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  Fact,
  InvoiceKind,
  JournalLine,
  LimitMode,
  OrderCloseReason,
  parseMoney,
} from '../src';

export const m = parseMoney;

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

const envelope = (occurredAt = '2026-03-01T10:15:00+01:00') => ({
  eventId: nextId('evt'),
  occurredAt,
  companyId: 'IT01',
  customerId: 'C000123',
});

type Refs = ReadonlyArray<readonly [string, string]>;
const orderRefs = (refs: Refs = []) => refs.map(([orderId, amount]) => ({ orderId, amount: m(amount) }));
const deliveryRefs = (refs: Refs = []) =>
  refs.map(([deliveryId, amount]) => ({ deliveryId, amount: m(amount) }));

export const ev = {
  order: (orderId: string, amount: string): Fact => ({
    ...envelope(),
    type: 'order.confirmed',
    orderId,
    amount: m(amount),
  }),
  closeOrder: (orderId: string, reason: OrderCloseReason = 'completed'): Fact => ({
    ...envelope(),
    type: 'order.closed',
    orderId,
    reason,
  }),
  delivery: (deliveryId: string, amount: string, refs?: Refs): Fact => ({
    ...envelope(),
    type: 'delivery.issued',
    deliveryId,
    amount: m(amount),
    orderRefs: orderRefs(refs),
  }),
  cancelDelivery: (deliveryId: string): Fact => ({ ...envelope(), type: 'delivery.cancelled', deliveryId }),
  invoice: (
    invoiceId: string,
    amount: string,
    opts: { kind?: InvoiceKind; deliveryRefs?: Refs; orderRefs?: Refs } = {},
  ): Fact => ({
    ...envelope(),
    type: 'invoice.issued',
    invoiceId,
    kind: opts.kind ?? 'invoice',
    amount: m(amount),
    deliveryRefs: deliveryRefs(opts.deliveryRefs),
    orderRefs: orderRefs(opts.orderRefs),
  }),
  creditNote: (invoiceId: string, amount: string): Fact =>
    ev.invoice(invoiceId, amount, { kind: 'credit-note' }),
  cancelInvoice: (invoiceId: string): Fact => ({ ...envelope(), type: 'invoice.cancelled', invoiceId }),
  check: (documentId: string, amount: string): Fact => ({
    ...envelope(),
    type: 'document.checkRequested',
    documentType: 'order',
    documentId,
    amount: m(amount),
    orderRefs: [],
    deliveryRefs: [],
  }),
  post: (entryId: string, postingDate: string, lines: JournalLine[]): Fact => ({
    ...envelope(),
    type: 'journal.posted',
    entryId,
    postingDate,
    lines,
  }),
  reverse: (entryId: string): Fact => ({ ...envelope(), type: 'journal.reversed', entryId }),
  bill: (billId: string, amount: string, dueDate: string, instrument: BillInstrument = 'riba'): Fact => ({
    ...envelope(),
    type: 'bill.issued',
    billId,
    amount: m(amount),
    dueDate,
    instrument,
  }),
  presentBill: (billId: string, date = '2026-03-02'): Fact => ({
    ...envelope(),
    type: 'bill.presented',
    billId,
    presentedAt: `${date}T09:00:00+01:00`,
  }),
  collectBill: (billId: string, date = '2026-04-01'): Fact => ({
    ...envelope(),
    type: 'bill.collected',
    billId,
    collectedAt: `${date}T09:00:00+02:00`,
  }),
  dishonourBill: (billId: string, date = '2026-04-01'): Fact => ({
    ...envelope(),
    type: 'bill.dishonoured',
    billId,
    dishonouredAt: `${date}T09:00:00+02:00`,
  }),
  cancelBill: (billId: string, date = '2026-03-05'): Fact => ({
    ...envelope(`${date}T09:00:00+01:00`),
    type: 'bill.cancelled',
    billId,
  }),
  limit: (
    amount: string,
    opts: {
      mode?: LimitMode;
      pct?: number;
      validUntil?: string;
      blockOnOverdue?: boolean;
      toleranceDays?: number;
      temporary?: [amount: string, until: string];
      occurredAt?: string;
    } = {},
  ): Fact => ({
    ...envelope(opts.occurredAt),
    type: 'creditLimit.set',
    amount: m(amount),
    mode: opts.mode ?? 'block',
    attentionThresholdPct: opts.pct ?? 80,
    ...(opts.validUntil === undefined ? {} : { validUntil: opts.validUntil }),
    blockOnOverdue: opts.blockOnOverdue ?? true,
    overdueToleranceDays: opts.toleranceDays ?? 0,
    ...(opts.temporary === undefined
      ? {}
      : { temporaryAmount: m(opts.temporary[0]), temporaryUntil: opts.temporary[1] }),
    setBy: 'controller',
  }),
  creditClass: (
    code: string,
    opts: {
      maxPaymentTermsDays?: number;
      maxDocumentAmount?: string;
      reviewEveryDays?: number;
      occurredAt?: string;
    } = {},
  ): Fact => ({
    ...envelope(opts.occurredAt),
    type: 'creditClass.assigned',
    code,
    maxPaymentTermsDays: opts.maxPaymentTermsDays ?? 60,
    maxDocumentAmount: opts.maxDocumentAmount === undefined ? null : m(opts.maxDocumentAmount),
    reviewEveryDays: opts.reviewEveryDays ?? null,
    assignedBy: 'controller',
  }),
  removeCreditClass: (): Fact => ({ ...envelope(), type: 'creditClass.removed', removedBy: 'controller' }),
  manualBlock: (reason: string, until: string | null = null): Fact => ({
    ...envelope(),
    type: 'manualBlock.set',
    reason,
    until,
    setBy: 'controller',
  }),
  removeManualBlock: (): Fact => ({ ...envelope(), type: 'manualBlock.removed', removedBy: 'controller' }),
  removeLimit: (): Fact => ({ ...envelope(), type: 'creditLimit.removed', removedBy: 'controller' }),
  customer: (name: string): Fact => ({ ...envelope(), type: 'customer.updated', name }),
};

export const debit = (amount: string, extra: Partial<JournalLine> = {}): JournalLine => ({
  lineId: nextId('line'),
  side: 'debit',
  amount: m(amount),
  ...extra,
});
export const credit = (amount: string, extra: Partial<JournalLine> = {}): JournalLine => ({
  lineId: nextId('line'),
  side: 'credit',
  amount: m(amount),
  ...extra,
});
/** A credit line that pays the given open items. */
export const payment = (amount: string, settles: Refs): JournalLine =>
  credit(amount, { settles: settles.map(([openItemId, a]) => ({ openItemId, amount: m(a) })) });
/** A debit line that opens an instalment of an invoice. */
export const instalment = (
  invoiceRef: string,
  openItemId: string,
  amount: string,
  dueDate: string,
): JournalLine => debit(amount, { invoiceRef, openItemId, dueDate });

export const docsOf = (...facts: Fact[]): CustomerDocuments => applyFacts(emptyDocuments(), facts);

export const params = (overrides: Partial<CompanyParameters> = {}): CompanyParameters => ({
  ...DEFAULT_PARAMETERS,
  ...overrides,
});

export const onlyComponents = (...names: ComponentName[]): CompanyParameters =>
  params({
    includedComponents: {
      orders: names.includes('orders'),
      deliveries: names.includes('deliveries'),
      unpostedInvoices: names.includes('unpostedInvoices'),
      receivables: names.includes('receivables'),
      bills: names.includes('bills'),
    },
  });
