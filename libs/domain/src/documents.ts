import { BusinessDate } from './dates';
import { archiveQuiet } from './archive';
import {
  DocumentKind,
  DocumentKinds,
  DocumentMaps,
  figuresOf,
  knownFigures,
  LiveFigures,
  rememberFigures,
} from './figures';
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
/**
 * When the document last changed: the latest occurredAt (epoch ms) applied to
 * it. An older fact about it changes nothing (spec section 3), and a document
 * quiet for the window may be archived. Absent in states stored before it.
 */
export interface Dated {
  at?: number;
}
export interface OrderState extends Dated {
  amount: Cents;
  closed: OrderCloseReason | null;
}
export interface DeliveryState extends Dated {
  amount: Cents;
  cancelled: boolean;
  orderRefs: OrderRef[];
}
export interface InvoiceState extends Dated {
  kind: InvoiceKind;
  amount: Cents;
  /** The invoice date when the ERP sent one: the turnover of the limit proposal counts by it. */
  invoiceDate?: BusinessDate;
  cancelled: boolean;
  deliveryRefs: DeliveryRef[];
  orderRefs: OrderRef[];
}
export interface JournalEntryState extends Dated {
  /** null while only a reversal has been seen. */
  postingDate: BusinessDate | null;
  lines: JournalLine[];
  reversed: boolean;
}
export type BillStatus = 'issued' | 'presented' | 'collected' | 'dishonoured' | 'cancelled';
export interface BillState extends Dated {
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

/** The input streams, each with its own order: an event is old or new against its own stream only. */
export type FactStream = 'documents' | 'journal' | 'bills' | 'limits' | 'customers';

/** Per 4.1: default window of the applied-eventId memory, of tombstones and of the quiet period before archiving. */
export const DEFAULT_DEDUP_WINDOW_DAYS = 35;

/**
 * A day's settlements of archived open items, as the payment behaviour weighs
 * them: [sum of amount x days late, sum of amount]. A pair, not an object: a
 * year of them is stored with every customer.
 */
export type ArchivedPayments = readonly [lateDayCents: bigint, weightCents: Cents];

/** An archived document's last change and its group's (epoch ms). */
export type Tombstone = readonly [documentAt: number, groupAt: number];

/**
 * What archived documents still contribute (spec 4.1), plus a tombstone per
 * archived document. Archived documents are final: their residuals are 0, so
 * only the saldo of their entries, the settlements of the behaviour window
 * (summed per settlement date), the dishonoured bills (counted per date) and
 * the invoiced turnover (summed per invoice date) remain. Tombstones (`o:`, `d:`, `i:`, `j:`, `p:` open item, `b:` + id ->
 * Tombstone) live until the horizon covers the re-sends of their group.
 */
export interface Archive {
  balance: Cents;
  payments: Map<BusinessDate, ArchivedPayments>;
  dishonoured: Map<BusinessDate, number>;
  /** Invoices minus credit notes per invoice date: the turnover the limit proposal reads for 365 days. */
  turnover: Map<BusinessDate, Cents>;
  tombstones: Map<string, Tombstone>;
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
  /** Absent in states stored before archiving: nothing archived yet. */
  readonly archive?: Archive;
  /** Per stream, the latest occurredAt (epoch ms) applied: the clock of the horizon and of archiving. */
  readonly watermarks?: Partial<Record<FactStream, number>>;
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

export const emptyArchive = (): Archive => ({
  balance: ZERO,
  payments: new Map(),
  dishonoured: new Map(),
  turnover: new Map(),
  tombstones: new Map(),
});

const STREAM_OF_PREFIX: Record<string, FactStream> = {
  order: 'documents',
  delivery: 'documents',
  invoice: 'documents',
  document: 'documents',
  journal: 'journal',
  bill: 'bills',
  creditLimit: 'limits',
  creditClass: 'limits',
  manualBlock: 'limits',
  collectionAction: 'limits',
  customer: 'customers',
};

export const streamOf = (type: Fact['type']): FactStream =>
  STREAM_OF_PREFIX[type.slice(0, type.indexOf('.'))];

/** The document a fact is about, as `<kind letter>:<id>` (the tombstone key); null for customer-level facts. */
export function documentRefOf(fact: Fact): string | null {
  switch (fact.type) {
    case 'order.confirmed':
    case 'order.closed':
      return `o:${fact.orderId}`;
    case 'delivery.issued':
    case 'delivery.cancelled':
      return `d:${fact.deliveryId}`;
    case 'invoice.issued':
    case 'invoice.cancelled':
      return `i:${fact.invoiceId}`;
    case 'journal.posted':
    case 'journal.reversed':
      return `j:${fact.entryId}`;
    case 'bill.issued':
    case 'bill.presented':
    case 'bill.collected':
    case 'bill.dishonoured':
    case 'bill.cancelled':
      return `b:${fact.billId}`;
    default:
      return null;
  }
}

export const KIND_OF_LETTER: Record<string, DocumentKind> = {
  o: 'orders',
  d: 'deliveries',
  i: 'invoices',
  j: 'journal',
  b: 'bills',
};

export const LETTER_OF_KIND: Record<DocumentKind, string> = {
  orders: 'o',
  deliveries: 'd',
  invoices: 'i',
  journal: 'j',
  bills: 'b',
};

/** The documents a draft changed, those it archived (removed from the live state), and whether the archive changed. */
export interface DocumentChanges {
  changed: ReadonlySet<string>;
  removed: ReadonlySet<string>;
  archive: boolean;
}

/** Facts that change no figure of an archived document (closed or fully consumed; terminal): ignored, not refused. */
const HARMLESS_WHEN_ARCHIVED: ReadonlySet<Fact['type']> = new Set(['order.closed', 'bill.presented']);

/** What folding one fact did. */
export type FoldOutcome =
  | { kind: 'applied' }
  /**
   * Changed nothing, by design: `superseded` (older than the document's last
   * change, section 3), `beyond-horizon` (older than its stream's watermark
   * minus the window: presumed a re-send), `archived` (about an archived
   * document, and unable to change any figure of it).
   */
  | { kind: 'ignored'; reason: 'superseded' | 'beyond-horizon' | 'archived' }
  /** A change to an archived document: refused (the engine dead-letters it with this reason). */
  | { kind: 'rejected'; reason: 'DOCUMENT_ARCHIVED'; message: string };

const APPLIED: FoldOutcome = { kind: 'applied' };

const TERMINAL_BILL: ReadonlySet<BillStatus> = new Set(['collected', 'dishonoured', 'cancelled']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type DraftDocuments = Mutable<Omit<CustomerDocuments, DocumentKind | 'archive' | 'watermarks'>> &
  DocumentMaps & { archive: Archive; watermarks: Partial<Record<FactStream, number>> };

const copyMap = <V>(map: ReadonlyMap<string, V>): Map<string, V> => new Map(map);
const ownMap = <V>(map: ReadonlyMap<string, V>): Map<string, V> =>
  map instanceof Map ? (map as Map<string, V>) : new Map(map);

/** A draft's documents over `docs`, each document map through `map` (a copy, or the map itself). */
const draftDocuments = (
  docs: CustomerDocuments,
  map: <V>(map: ReadonlyMap<string, V>) => Map<string, V>,
  archive: Archive,
): DraftDocuments => ({
  ...docs,
  orders: map(docs.orders),
  deliveries: map(docs.deliveries),
  invoices: map(docs.invoices),
  journal: map(docs.journal),
  bills: map(docs.bills),
  archive,
  watermarks: { ...docs.watermarks },
});

/**
 * One customer's documents being folded: the maps are copied once when the
 * draft opens, then each fact replaces the few documents it is about and the
 * figures follow by deltas (LiveFigures). A batch opens one draft per customer
 * and finishes it once; applyFact is the same thing for a single fact.
 */
export class CustomerDraft {
  private finished = false;
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();
  private archiveChanged = false;

  private constructor(
    private readonly docs: DraftDocuments,
    readonly figures: LiveFigures,
    readonly windowMs: number,
    readonly quietMs: number,
  ) {}

  /**
   * Opens a draft over a copy of the documents: `docs` stays as it is.
   * @param windowDays the horizon and the tombstones' life (spec 4.1's window)
   * @param quietDays how long a final document stays live after its last change, so that a late change to
   * it (a reversal, a cancellation) still applies; by default the window
   */
  static open(
    docs: CustomerDocuments,
    windowDays = DEFAULT_DEDUP_WINDOW_DAYS,
    quietDays = windowDays,
  ): CustomerDraft {
    const archive = docs.archive;
    const draft = draftDocuments(
      docs,
      copyMap,
      archive === undefined
        ? emptyArchive()
        : {
            balance: archive.balance,
            payments: copyMap(archive.payments),
            dishonoured: copyMap(archive.dishonoured),
            turnover: copyMap(archive.turnover ?? new Map()),
            tombstones: copyMap(archive.tombstones),
          },
    );
    return new CustomerDraft(draft, figuresOf(docs).copyFor(draft), windowDays * DAY_MS, quietDays * DAY_MS);
  }

  /**
   * Opens a draft that takes the documents over: their maps, archive and
   * figures change in place, so opening costs nothing however many documents
   * the customer has. For a caller that owns `docs` and never reads it again
   * (the engine forgets the record it remembered when a commit fails).
   */
  static take(
    docs: CustomerDocuments,
    windowDays = DEFAULT_DEDUP_WINDOW_DAYS,
    quietDays = windowDays,
  ): CustomerDraft {
    const archive = docs.archive;
    const draft = draftDocuments(
      docs,
      ownMap,
      archive === undefined ? emptyArchive() : { ...archive, turnover: archive.turnover ?? new Map() },
    );
    const figures = knownFigures(docs);
    return new CustomerDraft(
      draft,
      figures === undefined ? LiveFigures.of(draft) : figures.takenBy(draft),
      windowDays * DAY_MS,
      quietDays * DAY_MS,
    );
  }

  /** The documents as they stand now (valid until the next change of this draft). */
  get documents(): CustomerDocuments {
    return this.docs;
  }

  /** Folds one fact. Facts older than their stream's horizon, or than their document's last change, change nothing. */
  apply(fact: Fact): FoldOutcome {
    if (this.finished) throw new Error('the draft is finished');
    const docs = this.docs;
    const at = Date.parse(fact.occurredAt);
    const stream = streamOf(fact.type);
    const watermark = docs.watermarks[stream];
    if (watermark !== undefined && at < watermark - this.windowMs)
      return { kind: 'ignored', reason: 'beyond-horizon' };
    // A check request asks about a document that does not exist yet: it changes no state.
    if (fact.type === 'document.checkRequested') return APPLIED;
    const ref = documentRefOf(fact);
    if (ref !== null) {
      const refused = this.archivedReference(fact, ref, at);
      if (refused !== null) return refused;
      const current = docs[KIND_OF_LETTER[ref[0]]].get(ref.slice(2));
      if (current?.at !== undefined && at < current.at) return { kind: 'ignored', reason: 'superseded' };
    }
    if (watermark === undefined || at > watermark) docs.watermarks[stream] = at;
    (appliers[fact.type] as (d: CustomerDraft, f: Fact, at: number) => void)(this, fact, at);
    return APPLIED;
  }

  /**
   * Archives what can no longer change any figure (archive.ts); returns the tombstone keys it created.
   * @param openCaseSince the opening date of the customer's open collection case, if any
   */
  archiveQuiet(openCaseSince?: BusinessDate): string[] {
    const { archived, archiveChanged } = archiveQuiet(
      this.docs,
      this.figures,
      this.quietMs,
      this.windowMs,
      openCaseSince,
    );
    if (archiveChanged) this.archiveChanged = true;
    for (const ref of archived) {
      if (ref[0] === 'p') continue;
      this.changed.delete(ref);
      this.removed.add(ref);
    }
    return archived;
  }

  /** The documents this draft wrote and those it archived, as `<kind letter>:<id>`: what a store must write. */
  get changes(): DocumentChanges {
    return { changed: this.changed, removed: this.removed, archive: this.archiveChanged };
  }

  /** The folded documents, immutable from now on; the draft cannot be used any more. */
  finish(): CustomerDocuments {
    this.finished = true;
    rememberFigures(this.docs, this.figures);
    return this.docs;
  }

  /**
   * Null when the fact may be applied; otherwise what to do with a fact about
   * an archived document: a re-send (not newer than the document's last
   * change) is ignored, a change is refused unless it cannot change anything.
   */
  private archivedReference(fact: Fact, ref: string, at: number): FoldOutcome | null {
    const tombstones = this.docs.archive.tombstones;
    if (tombstones.size === 0) return null;
    let archived: string | null = tombstones.has(ref) ? ref : null;
    // A posting that opens or settles an archived open item would change its (final) figures.
    if (archived === null && fact.type === 'journal.posted') {
      for (const line of fact.lines) {
        if (line.openItemId !== undefined && tombstones.has(`p:${line.openItemId}`))
          archived = `p:${line.openItemId}`;
        for (const s of line.settles ?? [])
          if (tombstones.has(`p:${s.openItemId}`)) archived = `p:${s.openItemId}`;
      }
    }
    if (archived === null) return null;
    if (at <= tombstones.get(archived)![0]) return { kind: 'ignored', reason: 'superseded' };
    if (archived === ref && HARMLESS_WHEN_ARCHIVED.has(fact.type))
      return { kind: 'ignored', reason: 'archived' };
    return {
      kind: 'rejected',
      reason: 'DOCUMENT_ARCHIVED',
      message: `${fact.type} refers to ${describeRef(archived)}, archived as final after the quiet period; it can no longer change`,
    };
  }

  // The appliers' operations.

  get(kind: DocumentKind, id: string): DocumentKinds[typeof kind] | undefined {
    return this.docs[kind].get(id);
  }

  put<K extends DocumentKind>(kind: K, id: string, value: DocumentKinds[K], at: number): void {
    const ref = `${LETTER_OF_KIND[kind]}:${id}`;
    this.changed.add(ref);
    this.removed.delete(ref);
    const previous = this.docs[kind].get(id)?.at;
    this.figures.replace(kind, id, { ...value, at: previous !== undefined && previous > at ? previous : at });
  }

  set<K extends 'limit' | 'profile' | 'creditClass' | 'manualBlock' | 'lastCreditChangeAt' | 'collection'>(
    field: K,
    value: DraftDocuments[K],
  ): void {
    this.docs[field] = value;
  }
}

const DOCUMENT_NAMES: Record<string, string> = {
  o: 'order',
  d: 'delivery',
  i: 'invoice',
  j: 'journal entry',
  b: 'bill',
  p: 'open item',
};
const describeRef = (ref: string): string => `${DOCUMENT_NAMES[ref[0]]} ${JSON.stringify(ref.slice(2))}`;

const DAY_MS = 86_400_000;

const orderOf = (d: CustomerDraft, id: string) => d.get('orders', id) as OrderState | undefined;
const deliveryOf = (d: CustomerDraft, id: string) => d.get('deliveries', id) as DeliveryState | undefined;
const invoiceOf = (d: CustomerDraft, id: string) => d.get('invoices', id) as InvoiceState | undefined;
const entryOf = (d: CustomerDraft, id: string) => d.get('journal', id) as JournalEntryState | undefined;

function billOf(d: CustomerDraft, billId: string): BillState {
  return (
    (d.get('bills', billId) as BillState | undefined) ?? {
      amount: ZERO,
      dueDate: null,
      instrument: null,
      status: 'issued',
      statusDate: null,
    }
  );
}

type Appliers = { [T in Fact['type']]: (d: CustomerDraft, fact: FactOf<T>, at: number) => void };

const appliers: Appliers = {
  'order.confirmed': (d, f, at) =>
    d.put('orders', f.orderId, { amount: f.amount, closed: orderOf(d, f.orderId)?.closed ?? null }, at),
  'order.closed': (d, f, at) =>
    d.put('orders', f.orderId, { amount: orderOf(d, f.orderId)?.amount ?? ZERO, closed: f.reason }, at),
  'delivery.issued': (d, f, at) =>
    d.put(
      'deliveries',
      f.deliveryId,
      {
        amount: f.amount,
        orderRefs: f.orderRefs,
        cancelled: deliveryOf(d, f.deliveryId)?.cancelled ?? false,
      },
      at,
    ),
  'delivery.cancelled': (d, f, at) =>
    d.put(
      'deliveries',
      f.deliveryId,
      { ...(deliveryOf(d, f.deliveryId) ?? { amount: ZERO, orderRefs: [] }), cancelled: true },
      at,
    ),
  'invoice.issued': (d, f, at) => {
    const current = invoiceOf(d, f.invoiceId);
    d.put(
      'invoices',
      f.invoiceId,
      {
        kind: f.kind,
        amount: f.amount,
        invoiceDate: f.invoiceDate ?? current?.invoiceDate,
        deliveryRefs: f.deliveryRefs,
        orderRefs: f.orderRefs,
        cancelled: current?.cancelled ?? false,
      },
      at,
    );
  },
  'invoice.cancelled': (d, f, at) =>
    d.put(
      'invoices',
      f.invoiceId,
      {
        ...(invoiceOf(d, f.invoiceId) ?? { kind: 'invoice', amount: ZERO, deliveryRefs: [], orderRefs: [] }),
        cancelled: true,
      },
      at,
    ),
  'document.checkRequested': () => undefined,
  'journal.posted': (d, f, at) =>
    d.put(
      'journal',
      f.entryId,
      { postingDate: f.postingDate, lines: f.lines, reversed: entryOf(d, f.entryId)?.reversed ?? false },
      at,
    ),
  'journal.reversed': (d, f, at) =>
    d.put(
      'journal',
      f.entryId,
      { ...(entryOf(d, f.entryId) ?? { postingDate: null, lines: [] }), reversed: true },
      at,
    ),
  'bill.issued': (d, f, at) =>
    d.put(
      'bills',
      f.billId,
      { ...billOf(d, f.billId), amount: f.amount, dueDate: f.dueDate, instrument: f.instrument },
      at,
    ),
  'bill.presented': (d, f, at) => {
    const bill = billOf(d, f.billId);
    if (!TERMINAL_BILL.has(bill.status)) d.put('bills', f.billId, { ...bill, status: 'presented' }, at);
  },
  // A collected bill can still come back unpaid (salvo buon fine): among terminal
  // statuses the latest in partition order wins.
  'bill.collected': (d, f, at) =>
    d.put(
      'bills',
      f.billId,
      { ...billOf(d, f.billId), status: 'collected', statusDate: f.collectedAt.slice(0, 10) },
      at,
    ),
  'bill.dishonoured': (d, f, at) =>
    d.put(
      'bills',
      f.billId,
      { ...billOf(d, f.billId), status: 'dishonoured', statusDate: f.dishonouredAt.slice(0, 10) },
      at,
    ),
  'bill.cancelled': (d, f, at) =>
    d.put(
      'bills',
      f.billId,
      { ...billOf(d, f.billId), status: 'cancelled', statusDate: f.occurredAt.slice(0, 10) },
      at,
    ),
  'creditLimit.set': (d, f) => {
    d.set('limit', {
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
    });
    d.set('lastCreditChangeAt', f.occurredAt);
  },
  'creditLimit.removed': (d, f) => {
    d.set('limit', null);
    d.set('lastCreditChangeAt', f.occurredAt);
  },
  'creditClass.assigned': (d, f) => {
    d.set('creditClass', {
      code: f.code,
      description: f.description ?? null,
      maxPaymentTermsDays: f.maxPaymentTermsDays,
      maxDocumentAmount: f.maxDocumentAmount ?? null,
      reviewEveryDays: f.reviewEveryDays ?? null,
      assignedBy: f.assignedBy,
      assignedAt: f.occurredAt,
    });
    d.set('lastCreditChangeAt', f.occurredAt);
  },
  'creditClass.removed': (d) => d.set('creditClass', null),
  'manualBlock.set': (d, f) =>
    d.set('manualBlock', { reason: f.reason, until: f.until ?? null, setBy: f.setBy, setAt: f.occurredAt }),
  'manualBlock.removed': (d) => d.set('manualBlock', null),
  'collectionAction.recorded': (d, f) => {
    const was = d.documents.collection ?? { actions: [], lastContactAt: null };
    const contact = f.actionType === 'call' || f.actionType === 'note' || f.actionType === 'promise';
    const lastContactAt =
      contact && (was.lastContactAt === null || f.occurredAt > was.lastContactAt)
        ? f.occurredAt
        : was.lastContactAt;
    const matters = f.promise !== undefined || f.stage !== undefined || f.assignee !== undefined;
    if (!matters) return d.set('collection', { ...was, lastContactAt });
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
    d.set('collection', { actions, lastContactAt });
  },
  'customer.updated': (d, f) =>
    d.set('profile', {
      name: f.name,
      vatNumber: f.vatNumber ?? null,
      salesAgentId: f.salesAgentId ?? null,
      paymentTermsDays: f.paymentTermsDays ?? null,
      email: f.email ?? null,
    }),
};

/** Folds one fact into the documents. Pure: the input is never modified (the batch fold uses CustomerDraft). */
export function applyFact(docs: CustomerDocuments, fact: Fact): CustomerDocuments {
  const draft = CustomerDraft.open(docs);
  const outcome = draft.apply(fact);
  return outcome.kind === 'applied' && fact.type !== 'document.checkRequested' ? draft.finish() : docs;
}

export const applyFacts = (docs: CustomerDocuments, facts: Iterable<Fact>): CustomerDocuments => {
  const draft = CustomerDraft.open(docs);
  for (const fact of facts) draft.apply(fact);
  return draft.finish();
};

/**
 * The occurredAt (epoch ms) below which a stream's events are presumed
 * re-sends (CustomerDraft.apply ignores them): the applied-eventId memory of
 * that stream may forget the eventIds of older events. Null before any event.
 */
export function appliedHorizon(
  docs: CustomerDocuments,
  stream: FactStream,
  windowDays = DEFAULT_DEDUP_WINDOW_DAYS,
): number | null {
  const watermark = docs.watermarks?.[stream];
  return watermark === undefined ? null : watermark - windowDays * DAY_MS;
}
