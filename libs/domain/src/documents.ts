import { BusinessDate } from './dates';
import { Cents, ZERO } from './money';
import {
  BillInstrument,
  CollectionActionType,
  RecoveryStage,
  DeliveryRef,
  Fact,
  FactOf,
  InvoiceKind,
  JournalLine,
  LimitMode,
  OrderCloseReason,
  OrderRef,
} from './facts';

/**
 * The state of every document of one customer. Each exposure component is a
 * function of these states only, so the exposure does not depend on how the
 * topics interleave. Terminal states (closed, cancelled, reversed, collected...)
 * are sticky: a later upsert of the same document updates its figures but never
 * revives it, which keeps late and replayed upserts harmless.
 */
export interface OrderState {
  amount: Cents;
  closed: OrderCloseReason | null;
}
export interface DeliveryState {
  amount: Cents;
  cancelled: boolean;
  orderRefs: OrderRef[];
}
export interface InvoiceState {
  kind: InvoiceKind;
  amount: Cents;
  /** The invoice date when the ERP sent one: the turnover of the limit proposal counts by it. */
  invoiceDate?: BusinessDate;
  cancelled: boolean;
  deliveryRefs: DeliveryRef[];
  orderRefs: OrderRef[];
}
export interface JournalEntryState {
  /** null while only a reversal has been seen. */
  postingDate: BusinessDate | null;
  lines: JournalLine[];
  reversed: boolean;
}
export type BillStatus = 'issued' | 'presented' | 'collected' | 'dishonoured' | 'cancelled';
export interface BillState {
  /** 0 and null until `bill.issued` is seen. */
  amount: Cents;
  dueDate: BusinessDate | null;
  instrument: BillInstrument | null;
  status: BillStatus;
  /** Business date of the last terminal status (collection, dishonour, cancellation). */
  statusDate: BusinessDate | null;
}
export interface CreditLimit {
  amount: Cents;
  mode: LimitMode;
  attentionThresholdPct: number;
  validUntil: BusinessDate | null;
  /** Applies instead of `amount` while the business date is <= temporaryUntil; both null when none. */
  temporaryAmount: Cents | null;
  temporaryUntil: BusinessDate | null;
  blockOnOverdue: boolean;
  overdueToleranceDays: number;
  setBy: string;
  reason: string | null;
  setAt: string;
}
/** The customer's credit class (spec section 11), with the terms it carried when assigned. */
export interface CreditClass {
  code: string;
  description: string | null;
  maxPaymentTermsDays: number;
  /** null: no maximum. */
  maxDocumentAmount: Cents | null;
  /** null: no periodic review. */
  reviewEveryDays: number | null;
  assignedBy: string;
  assignedAt: string;
}
/** A block set by hand: active until removed, or through `until` when it has one. */
export interface ManualBlock {
  reason: string;
  until: BusinessDate | null;
  setBy: string;
  setAt: string;
}
export interface CustomerProfile {
  name: string;
  vatNumber: string | null;
  salesAgentId: string | null;
  paymentTermsDays: number | null;
  email: string | null;
}

/**
 * A collection action that matters to the case: a promise, a stage change or
 * an assignment. Calls and notes are kept by the API's audit only (the engine
 * keeps the date of the last contact).
 */
export interface CollectionActionRecord {
  actionId: string;
  actionType: CollectionActionType;
  /** occurredAt of the action: its business date is taken in the company's time zone. */
  at: string;
  recordedBy: string;
  /** The action's text, kept for stage changes only (it is the reason published). */
  text: string | null;
  promise: { amount: Cents; date: BusinessDate } | null;
  stage: RecoveryStage | null;
  assignee: string | null;
}
export interface CollectionRecords {
  /** Sorted by `at`, then actionId, whatever order they were folded in. */
  actions: readonly CollectionActionRecord[];
  /** occurredAt of the latest call, note or promise. */
  lastContactAt: string | null;
}

export interface CustomerDocuments {
  readonly orders: ReadonlyMap<string, OrderState>;
  readonly deliveries: ReadonlyMap<string, DeliveryState>;
  readonly invoices: ReadonlyMap<string, InvoiceState>;
  readonly journal: ReadonlyMap<string, JournalEntryState>;
  readonly bills: ReadonlyMap<string, BillState>;
  readonly limit: CreditLimit | null;
  readonly profile: CustomerProfile | null;
  /** The three below are absent from states stored before credit classes: read them with `?? null`. */
  readonly creditClass?: CreditClass | null;
  readonly manualBlock?: ManualBlock | null;
  /** occurredAt of the latest creditClass.assigned or creditLimit.set/removed: the review period runs from it. */
  readonly lastCreditChangeAt?: string | null;
  /** Collection actions (spec 12); absent from states stored before: read with `?? null`. */
  readonly collection?: CollectionRecords | null;
}

export const emptyDocuments = (): CustomerDocuments => ({
  orders: new Map(),
  deliveries: new Map(),
  invoices: new Map(),
  journal: new Map(),
  bills: new Map(),
  limit: null,
  profile: null,
  creditClass: null,
  manualBlock: null,
  lastCreditChangeAt: null,
});

/** Copy-on-write update of one entry of one of the document maps. */
function put<K extends 'orders' | 'deliveries' | 'invoices' | 'journal' | 'bills'>(
  docs: CustomerDocuments,
  map: K,
  id: string,
  value: CustomerDocuments[K] extends ReadonlyMap<string, infer V> ? V : never,
): CustomerDocuments {
  const next = new Map(docs[map] as ReadonlyMap<string, unknown>);
  next.set(id, value);
  return { ...docs, [map]: next };
}

const TERMINAL_BILL: ReadonlySet<BillStatus> = new Set(['collected', 'dishonoured', 'cancelled']);

function billOf(docs: CustomerDocuments, billId: string): BillState {
  return (
    docs.bills.get(billId) ?? {
      amount: ZERO,
      dueDate: null,
      instrument: null,
      status: 'issued',
      statusDate: null,
    }
  );
}

function endBill(
  docs: CustomerDocuments,
  billId: string,
  status: BillStatus,
  statusDate: BusinessDate,
): CustomerDocuments {
  return put(docs, 'bills', billId, { ...billOf(docs, billId), status, statusDate });
}

type Appliers = { [T in Fact['type']]: (docs: CustomerDocuments, fact: FactOf<T>) => CustomerDocuments };

const appliers: Appliers = {
  'order.confirmed': (docs, f) =>
    put(docs, 'orders', f.orderId, { amount: f.amount, closed: docs.orders.get(f.orderId)?.closed ?? null }),
  'order.closed': (docs, f) =>
    put(docs, 'orders', f.orderId, { amount: docs.orders.get(f.orderId)?.amount ?? ZERO, closed: f.reason }),
  'delivery.issued': (docs, f) =>
    put(docs, 'deliveries', f.deliveryId, {
      amount: f.amount,
      orderRefs: f.orderRefs,
      cancelled: docs.deliveries.get(f.deliveryId)?.cancelled ?? false,
    }),
  'delivery.cancelled': (docs, f) =>
    put(docs, 'deliveries', f.deliveryId, {
      ...(docs.deliveries.get(f.deliveryId) ?? { amount: ZERO, orderRefs: [] }),
      cancelled: true,
    }),
  'invoice.issued': (docs, f) =>
    put(docs, 'invoices', f.invoiceId, {
      kind: f.kind,
      amount: f.amount,
      invoiceDate: f.invoiceDate ?? docs.invoices.get(f.invoiceId)?.invoiceDate,
      deliveryRefs: f.deliveryRefs,
      orderRefs: f.orderRefs,
      cancelled: docs.invoices.get(f.invoiceId)?.cancelled ?? false,
    }),
  'invoice.cancelled': (docs, f) =>
    put(docs, 'invoices', f.invoiceId, {
      ...(docs.invoices.get(f.invoiceId) ?? {
        kind: 'invoice',
        amount: ZERO,
        deliveryRefs: [],
        orderRefs: [],
      }),
      cancelled: true,
    }),
  // A check request asks about a document that does not exist yet: it changes no state.
  'document.checkRequested': (docs) => docs,
  'journal.posted': (docs, f) =>
    put(docs, 'journal', f.entryId, {
      postingDate: f.postingDate,
      lines: f.lines,
      reversed: docs.journal.get(f.entryId)?.reversed ?? false,
    }),
  'journal.reversed': (docs, f) =>
    put(docs, 'journal', f.entryId, {
      ...(docs.journal.get(f.entryId) ?? { postingDate: null, lines: [] }),
      reversed: true,
    }),
  'bill.issued': (docs, f) =>
    put(docs, 'bills', f.billId, {
      ...billOf(docs, f.billId),
      amount: f.amount,
      dueDate: f.dueDate,
      instrument: f.instrument,
    }),
  'bill.presented': (docs, f) => {
    const bill = billOf(docs, f.billId);
    return TERMINAL_BILL.has(bill.status)
      ? docs
      : put(docs, 'bills', f.billId, { ...bill, status: 'presented' });
  },
  // A collected bill can still come back unpaid (salvo buon fine): among terminal
  // statuses the latest in partition order wins.
  'bill.collected': (docs, f) => endBill(docs, f.billId, 'collected', f.collectedAt.slice(0, 10)),
  'bill.dishonoured': (docs, f) => endBill(docs, f.billId, 'dishonoured', f.dishonouredAt.slice(0, 10)),
  'bill.cancelled': (docs, f) => endBill(docs, f.billId, 'cancelled', f.occurredAt.slice(0, 10)),
  'creditLimit.set': (docs, f) => ({
    ...docs,
    limit: {
      amount: f.amount,
      mode: f.mode,
      attentionThresholdPct: f.attentionThresholdPct,
      validUntil: f.validUntil ?? null,
      temporaryAmount: f.temporaryAmount ?? null,
      temporaryUntil: f.temporaryUntil ?? null,
      blockOnOverdue: f.blockOnOverdue,
      overdueToleranceDays: f.overdueToleranceDays,
      setBy: f.setBy,
      reason: f.reason ?? null,
      setAt: f.occurredAt,
    },
    lastCreditChangeAt: f.occurredAt,
  }),
  'creditLimit.removed': (docs, f) => ({ ...docs, limit: null, lastCreditChangeAt: f.occurredAt }),
  'creditClass.assigned': (docs, f) => ({
    ...docs,
    creditClass: {
      code: f.code,
      description: f.description ?? null,
      maxPaymentTermsDays: f.maxPaymentTermsDays,
      maxDocumentAmount: f.maxDocumentAmount ?? null,
      reviewEveryDays: f.reviewEveryDays ?? null,
      assignedBy: f.assignedBy,
      assignedAt: f.occurredAt,
    },
    lastCreditChangeAt: f.occurredAt,
  }),
  'creditClass.removed': (docs) => ({ ...docs, creditClass: null }),
  'manualBlock.set': (docs, f) => ({
    ...docs,
    manualBlock: { reason: f.reason, until: f.until ?? null, setBy: f.setBy, setAt: f.occurredAt },
  }),
  'manualBlock.removed': (docs) => ({ ...docs, manualBlock: null }),
  'collectionAction.recorded': (docs, f) => {
    const was = docs.collection ?? { actions: [], lastContactAt: null };
    const contact = f.actionType === 'call' || f.actionType === 'note' || f.actionType === 'promise';
    const lastContactAt =
      contact && (was.lastContactAt === null || f.occurredAt > was.lastContactAt)
        ? f.occurredAt
        : was.lastContactAt;
    const matters = f.promise !== undefined || f.stage !== undefined || f.assignee !== undefined;
    if (!matters) return { ...docs, collection: { ...was, lastContactAt } };
    const record: CollectionActionRecord = {
      actionId: f.actionId,
      actionType: f.actionType,
      at: f.occurredAt,
      recordedBy: f.recordedBy,
      text: f.stage !== undefined ? f.text : null,
      promise: f.promise ?? null,
      stage: f.stage ?? null,
      assignee: f.assignee ?? null,
    };
    const actions = [...was.actions.filter((a) => a.actionId !== f.actionId), record].sort((a, b) =>
      a.at === b.at ? (a.actionId < b.actionId ? -1 : 1) : a.at < b.at ? -1 : 1,
    );
    return { ...docs, collection: { actions, lastContactAt } };
  },
  'customer.updated': (docs, f) => ({
    ...docs,
    profile: {
      name: f.name,
      vatNumber: f.vatNumber ?? null,
      salesAgentId: f.salesAgentId ?? null,
      paymentTermsDays: f.paymentTermsDays ?? null,
      email: f.email ?? null,
    },
  }),
};

/** Folds one fact into the documents. Pure: the input is never modified. */
export function applyFact(docs: CustomerDocuments, fact: Fact): CustomerDocuments {
  const apply = appliers[fact.type] as (d: CustomerDocuments, f: Fact) => CustomerDocuments;
  return apply(docs, fact);
}

export const applyFacts = (docs: CustomerDocuments, facts: Iterable<Fact>): CustomerDocuments => {
  let state = docs;
  for (const fact of facts) state = applyFact(state, fact);
  return state;
};
