import { BusinessDate } from './dates';
import type {
  BillState,
  CustomerDocuments,
  DeliveryState,
  InvoiceState,
  JournalEntryState,
  OrderState,
} from './documents';
import { Cents, ZERO } from './money';
import { OpenItem, SettlementRecord, settlementsOf } from './open-items';

/** The document maps of a customer, by the kind of document they hold. */
export interface DocumentKinds {
  orders: OrderState;
  deliveries: DeliveryState;
  invoices: InvoiceState;
  journal: JournalEntryState;
  bills: BillState;
}
export type DocumentKind = keyof DocumentKinds;

/** The document maps as a draft mutates them. */
export type DocumentMaps = { [K in DocumentKind]: Map<string, DocumentKinds[K]> };

/** An open item as the debit lines and settlements of the live entries make it. */
export interface OpenItemFigures {
  amount: Cents;
  settled: Cents;
  /** The due dates of its debit lines (one per line): the item is due on the earliest. */
  dues: BusinessDate[];
}

const add = (totals: Map<string, Cents>, id: string, amount: Cents): void => {
  const next = (totals.get(id) ?? ZERO) + amount;
  if (next === ZERO) totals.delete(id);
  else totals.set(id, next);
};

const residualOf = (amount: Cents, taken: Cents): Cents => (amount > taken ? amount - taken : ZERO);

/**
 * When archiving must look at the documents again, as last changes (epoch
 * ms) on the clocks archive.ts reads: a group, a bill or a tombstone whose
 * last change falls before its horizon may be due. Nothing can be archived
 * before that, because a group becomes archivable only when its last change
 * passes the horizon, or when a change makes it final (and every change
 * lowers these marks).
 */
export interface ArchivingWatch {
  /** The oldest last change of a live group whose members are all final (Infinity: none). */
  groups: number;
  /** The oldest last change of a final live bill. */
  bills: number;
  /** The oldest group change of a tombstone of documents, and of one of bills. */
  tombstones: number;
  billTombstones: number;
  /** The oldest date of the archive's dated sums. */
  oldestDated: BusinessDate | null;
  /** The opening date of the collection case the pass kept groups for. */
  keptFor: BusinessDate | undefined;
}

/**
 * The figures of the live documents, maintained by deltas: replacing one
 * document retracts what its old state contributed and adds what its new
 * state contributes, to its own figures and to those of the documents it
 * refers to. So a fact costs O(its references), not O(the customer's
 * documents). Every figure equals the full computation of components.ts and
 * open-items.ts over the same maps (the property tests hold them to it).
 */
export class LiveFigures {
  /** Sum of the order residuals (the `orders` component). */
  orders: Cents = ZERO;
  /** Sum of the delivery residuals (the `deliveries` component). */
  deliveries: Cents = ZERO;
  /** Signed sum of the invoices neither cancelled nor posted (the `unpostedInvoices` component). */
  unposted: Cents = ZERO;
  /** Debits minus credits of the live entries not reversed (the archive holds the rest of the saldo). */
  balance: Cents = ZERO;
  /** Per order: what live deliveries and invoices not cancelled take over. */
  readonly consumed: Map<string, Cents>;
  /** Per delivery: what live invoices not cancelled take over. */
  readonly invoiced: Map<string, Cents>;
  /** Per invoice: how many lines of live entries not reversed refer to it (> 0: posted). */
  readonly postings: Map<string, number>;
  readonly items: Map<string, OpenItemFigures>;
  /** Per live entry with a posting date and not reversed, its settlements as settlements() lists them. */
  readonly paid: Map<string, readonly SettlementRecord[]>;
  /** Moves with every change of the journal, the bills or the archive: what date-dependent walks read. */
  datedVersion = 0;
  /** Moves with every change of the archive (archive.ts). */
  archiveVersion = 0;
  /** What the last archiving pass saw (archive.ts); null until one has looked at every document. */
  archiving: ArchivingWatch | null = null;
  private datedKey: string | null = null;
  private datedValue: unknown = null;

  private constructor(
    private readonly docs: DocumentMaps,
    taken?: Pick<LiveFigures, 'consumed' | 'invoiced' | 'postings' | 'items' | 'paid'>,
  ) {
    this.consumed = taken?.consumed ?? new Map();
    this.invoiced = taken?.invoiced ?? new Map();
    this.postings = taken?.postings ?? new Map();
    this.items = taken?.items ?? new Map();
    this.paid = taken?.paid ?? new Map();
  }

  /** The figures of these maps, computed once by adding every document. */
  static of(docs: DocumentMaps): LiveFigures {
    const figures = new LiveFigures(docs);
    for (const [id, order] of docs.orders) figures.assert('orders', id, order);
    for (const [id, delivery] of docs.deliveries) figures.assert('deliveries', id, delivery);
    for (const [id, invoice] of docs.invoices) figures.assert('invoices', id, invoice);
    for (const [id, entry] of docs.journal) figures.assert('journal', id, entry);
    return figures;
  }

  /** The same figures over other maps with the same content (a draft's copy). */
  copyFor(docs: DocumentMaps): LiveFigures {
    const copy = new LiveFigures(docs);
    copy.orders = this.orders;
    copy.deliveries = this.deliveries;
    copy.unposted = this.unposted;
    copy.balance = this.balance;
    copy.archiving = this.archiving === null ? null : { ...this.archiving };
    for (const [id, v] of this.consumed) copy.consumed.set(id, v);
    for (const [id, v] of this.invoiced) copy.invoiced.set(id, v);
    for (const [id, v] of this.postings) copy.postings.set(id, v);
    for (const [id, item] of this.items) copy.items.set(id, { ...item, dues: [...item.dues] });
    for (const [id, records] of this.paid) copy.paid.set(id, records);
    return copy;
  }

  /**
   * These figures over `docs`, which holds the very maps these figures were
   * computed for (a draft that took them over): O(1), nothing copied. This
   * object must not be used afterwards, since the two share their maps.
   */
  takenBy(docs: DocumentMaps): LiveFigures {
    const taken = new LiveFigures(docs, this);
    taken.orders = this.orders;
    taken.deliveries = this.deliveries;
    taken.unposted = this.unposted;
    taken.balance = this.balance;
    taken.datedVersion = this.datedVersion;
    taken.archiveVersion = this.archiveVersion;
    taken.archiving = this.archiving;
    return taken;
  }

  /** A value computed from the date-dependent parts, reused while `key` (which holds datedVersion) is the same. */
  dated<T>(key: string, compute: () => T): T {
    if (this.datedKey !== key) {
      this.datedValue = compute();
      this.datedKey = key;
    }
    return this.datedValue as T;
  }

  /** Replaces (or, with undefined, removes) one document, keeping every figure exact. */
  replace<K extends DocumentKind>(kind: K, id: string, next: DocumentKinds[K] | undefined): void {
    if (kind === 'journal' || kind === 'bills') this.datedVersion += 1;
    if (next !== undefined && this.archiving !== null) {
      // A change may make its group (or bill) final: archiving looks again once it is quiet.
      const at = next.at ?? 0;
      if (kind === 'bills') this.archiving.bills = Math.min(this.archiving.bills, at);
      else this.archiving.groups = Math.min(this.archiving.groups, at);
    }
    const map = this.docs[kind] as Map<string, DocumentKinds[K]>;
    const previous = map.get(id);
    if (previous !== undefined) this.retract(kind, id, previous);
    if (next === undefined) map.delete(id);
    else map.set(id, next);
    if (next !== undefined) this.assert(kind, id, next);
  }

  orderResidual(id: string): Cents {
    const order = this.docs.orders.get(id);
    return order === undefined || order.closed !== null
      ? ZERO
      : residualOf(order.amount, this.consumed.get(id) ?? ZERO);
  }

  deliveryResidual(id: string): Cents {
    const delivery = this.docs.deliveries.get(id);
    return delivery === undefined || delivery.cancelled
      ? ZERO
      : residualOf(delivery.amount, this.invoiced.get(id) ?? ZERO);
  }

  /** The invoice's signed value while it is neither cancelled nor posted; 0 otherwise. */
  unpostedValue(id: string): Cents {
    const invoice = this.docs.invoices.get(id);
    if (invoice === undefined || invoice.cancelled || (this.postings.get(id) ?? 0) > 0) return ZERO;
    return invoice.kind === 'credit-note' ? -invoice.amount : invoice.amount;
  }

  itemResidual(id: string): Cents {
    const item = this.items.get(id);
    return item === undefined ? ZERO : residualOf(item.amount, item.settled);
  }

  /** The open items as openItems() computes them: those opened by a debit line. */
  openItems(): Map<string, OpenItem> {
    const result = new Map<string, OpenItem>();
    for (const [openItemId, item] of this.items) {
      if (item.dues.length === 0) continue;
      let dueDate = item.dues[0];
      for (const due of item.dues) if (due < dueDate) dueDate = due;
      result.set(openItemId, {
        openItemId,
        amount: item.amount,
        dueDate,
        settled: item.settled,
        residual: residualOf(item.amount, item.settled),
      });
    }
    return result;
  }

  /**
   * The settlements of the live entries, as settlements() computes them (in
   * another order): each entry's are kept as it changes, so a change of the
   * journal does not walk every entry's lines again.
   */
  settlements(): SettlementRecord[] {
    const result: SettlementRecord[] = [];
    for (const records of this.paid.values()) for (const record of records) result.push(record);
    return result;
  }

  private assert<K extends DocumentKind>(kind: K, id: string, doc: DocumentKinds[K]): void {
    this.contribute(kind, id, doc, 1n);
  }

  private retract<K extends DocumentKind>(kind: K, id: string, doc: DocumentKinds[K]): void {
    this.contribute(kind, id, doc, -1n);
  }

  /**
   * Adds (sign 1) or removes (sign -1) what one document state contributes.
   * Removing happens while the state is still in its map and adding once it
   * is, so a document's own residual is read with its own state.
   */
  private contribute<K extends DocumentKind>(kind: K, id: string, doc: DocumentKinds[K], sign: bigint): void {
    switch (kind) {
      case 'orders':
        this.orders += sign * this.orderResidual(id);
        return;
      case 'deliveries': {
        const delivery = doc as DeliveryState;
        if (delivery.cancelled) return;
        for (const ref of delivery.orderRefs) this.consume(ref.orderId, sign * ref.amount);
        this.deliveries += sign * this.deliveryResidual(id);
        return;
      }
      case 'invoices': {
        const invoice = doc as InvoiceState;
        this.unposted += sign * this.unpostedValue(id);
        if (invoice.cancelled) return;
        for (const ref of invoice.deliveryRefs) this.invoice(ref.deliveryId, sign * ref.amount);
        for (const ref of invoice.orderRefs) this.consume(ref.orderId, sign * ref.amount);
        return;
      }
      case 'journal': {
        const entry = doc as JournalEntryState;
        if (entry.reversed) return;
        if (sign === -1n) this.paid.delete(id);
        else {
          const records = settlementsOf(id, entry);
          if (records.length > 0) this.paid.set(id, records);
        }
        for (const line of entry.lines) {
          this.balance += sign * (line.side === 'debit' ? line.amount : -line.amount);
          if (line.invoiceRef !== undefined) this.post(line.invoiceRef, sign === 1n ? 1 : -1);
          if (line.side === 'debit' && line.openItemId !== undefined && line.dueDate !== undefined) {
            const item = this.itemOf(line.openItemId);
            item.amount += sign * line.amount;
            if (sign === 1n) item.dues.push(line.dueDate);
            else item.dues.splice(item.dues.indexOf(line.dueDate), 1);
            this.dropIfEmpty(line.openItemId, item);
          }
          // settlements() counts only entries with a posting date.
          if (entry.postingDate === null) continue;
          for (const s of line.settles ?? []) {
            const item = this.itemOf(s.openItemId);
            item.settled += sign * s.amount;
            this.dropIfEmpty(s.openItemId, item);
          }
        }
        return;
      }
      case 'bills':
        // Bills at risk depend on the business date: evaluated over the live bills.
        return;
    }
  }

  private consume(orderId: string, amount: Cents): void {
    const before = this.orderResidual(orderId);
    add(this.consumed, orderId, amount);
    this.orders += this.orderResidual(orderId) - before;
  }

  private invoice(deliveryId: string, amount: Cents): void {
    const before = this.deliveryResidual(deliveryId);
    add(this.invoiced, deliveryId, amount);
    this.deliveries += this.deliveryResidual(deliveryId) - before;
  }

  private post(invoiceId: string, lines: number): void {
    const before = this.unpostedValue(invoiceId);
    const next = (this.postings.get(invoiceId) ?? 0) + lines;
    if (next === 0) this.postings.delete(invoiceId);
    else this.postings.set(invoiceId, next);
    this.unposted += this.unpostedValue(invoiceId) - before;
  }

  private itemOf(openItemId: string): OpenItemFigures {
    let item = this.items.get(openItemId);
    if (item === undefined) this.items.set(openItemId, (item = { amount: ZERO, settled: ZERO, dues: [] }));
    return item;
  }

  private dropIfEmpty(openItemId: string, item: OpenItemFigures): void {
    if (item.dues.length === 0 && item.amount === ZERO && item.settled === ZERO)
      this.items.delete(openItemId);
  }
}

/** Figures already computed for a documents value (a draft leaves them here when it finishes). */
const known = new WeakMap<CustomerDocuments, LiveFigures>();

export const rememberFigures = (docs: CustomerDocuments, figures: LiveFigures): void => {
  known.set(docs, figures);
};

/** The figures remembered for a documents value, if any. */
export const knownFigures = (docs: CustomerDocuments): LiveFigures | undefined => known.get(docs);

/** The figures of a documents value: remembered, or computed once (O(live documents)). */
export function figuresOf(docs: CustomerDocuments): LiveFigures {
  let figures = known.get(docs);
  if (figures === undefined) {
    figures = LiveFigures.of(docs as unknown as DocumentMaps);
    known.set(docs, figures);
  }
  return figures;
}
