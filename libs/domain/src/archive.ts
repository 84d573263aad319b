import { addDays, BusinessDate, daysBetween } from './dates';
import type { Archive, BillState, FactStream, JournalEntryState } from './documents';
import { ArchivingWatch, DocumentKind, DocumentMaps, LiveFigures } from './figures';
import { ZERO } from './money';
import { BEHAVIOUR_WINDOW_DAYS } from './payment-behaviour';

/** The parts of a draft's documents that archiving reads and changes. */
interface Archivable extends DocumentMaps {
  archive: Archive;
  watermarks: Partial<Record<FactStream, number>>;
}

const LETTER: Record<DocumentKind, string> = {
  orders: 'o',
  deliveries: 'd',
  invoices: 'i',
  journal: 'j',
  bills: 'b',
};

/** Union-find over document references (`o:`, `d:`, `i:`, `j:`, `p:` + id). */
class Groups {
  private readonly parent = new Map<string, string>();

  find(node: string): string {
    let root = node;
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root))
      root = up;
    if (!this.parent.has(node)) this.parent.set(node, node);
    for (let at = node; at !== root;) {
      const up = this.parent.get(at)!;
      this.parent.set(at, root);
      at = up;
    }
    return root;
  }

  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }

  nodes(): IterableIterator<string> {
    return this.parent.keys();
  }
}

const quietBefore = (at: number | undefined, horizon: number): boolean => (at ?? 0) < horizon;

/** The clock of document groups: the earlier of the two streams' watermarks, so a stream that lags delays archiving. */
const documentsClockOf = (watermarks: Archivable['watermarks']): number | undefined =>
  watermarks.documents === undefined || watermarks.journal === undefined
    ? undefined
    : Math.min(watermarks.documents, watermarks.journal);

const utcDate = (ms: number): BusinessDate => new Date(ms).toISOString().slice(0, 10);

/**
 * Moves out of the live state what can no longer change any figure (spec 4.1).
 *
 * Orders, deliveries, invoices, journal entries and the open items their
 * lines name form groups through their references (a delivery's orders, an
 * invoice's deliveries and orders, an entry's invoices and open items). A
 * group is archived whole, when every member is final and none changed for a
 * window, counted on the occurredAt watermarks (never the wall clock) of both
 * the documents and the journal streams, so a stream that lags (a rebuild
 * reading one topic ahead of the other) delays archiving instead of archiving
 * a group whose other half is still to come. Final: an order closed or fully
 * consumed, a delivery cancelled or fully invoiced, an invoice cancelled or
 * posted, an open item with no residual; an entry is final when its group is.
 * A bill is archived when collected, dishonoured or cancelled and quiet for a
 * window of the bills stream.
 *
 * Every archived member contributes 0 to the components and to the overdue
 * summary; what remains of them is kept in the archive: the saldo of their
 * entries, their settlements summed per settlement date (the payment
 * behaviour reads the last 365 days of them), their dishonoured bills counted
 * per date. Each leaves a tombstone for one more window, so that a late change
 * to it is refused (DOCUMENT_ARCHIVED) rather than silently applied to nothing.
 * Returns the tombstone keys created, and whether the archive changed.
 *
 * `keepPostedFrom`: the opening date of the customer's open collection case.
 * The case is a sweep over the history of its overdue items (collections.ts):
 * a group with an entry posted since the case opened (a payment of one of its
 * items) stays live while the case does, so the sweep still sees it. Groups
 * settled before the case opened, or while none is open, cannot change any
 * case still to come: archiving them only forgets which case closed last.
 */
export function archiveQuiet(
  docs: Archivable,
  figures: LiveFigures,
  quietMs: number,
  windowMs: number,
  keepPostedFrom?: BusinessDate,
): { archived: string[]; archiveChanged: boolean } {
  const archived: string[] = [];
  const { watermarks } = docs;
  // What the last pass saw says which parts can have something to do; without one, every part looks.
  const watch: ArchivingWatch = figures.archiving ?? {
    groups: -Infinity,
    bills: -Infinity,
    tombstones: -Infinity,
    billTombstones: -Infinity,
    oldestDated: '',
    keptFor: keepPostedFrom,
  };
  const documentsClock = documentsClockOf(watermarks);
  if (
    documentsClock !== undefined &&
    (watch.keptFor !== keepPostedFrom || quietBefore(watch.groups, documentsClock - quietMs))
  ) {
    watch.groups = archiveGroups(docs, figures, documentsClock - quietMs, archived, keepPostedFrom);
    watch.keptFor = keepPostedFrom;
  }
  if (watermarks.bills !== undefined && quietBefore(watch.bills, watermarks.bills - quietMs))
    watch.bills = archiveBills(docs, figures, watermarks.bills - quietMs, archived);
  const forgot = forgetExpired(docs, quietMs + windowMs, watch, archived.length > 0);
  figures.archiving = watch;
  const archiveChanged = archived.length > 0 || forgot;
  // The archive's dated sums changed: what the payment behaviour reads.
  if (archiveChanged) {
    figures.datedVersion += 1;
    figures.archiveVersion += 1;
  }
  return { archived, archiveChanged };
}

/** Archives the quiet final groups; returns the oldest last change of the final groups left (Infinity: none). */
function archiveGroups(
  docs: Archivable,
  figures: LiveFigures,
  horizon: number,
  archived: string[],
  keepPostedFrom: BusinessDate | undefined,
): number {
  const groups = new Groups();
  const notFinal = new Set<string>();
  const notQuiet = new Set<string>();
  const consider = (node: string, final: boolean, at: number | undefined) => {
    const root = groups.find(node);
    if (!final) notFinal.add(node);
    else if (!quietBefore(at, horizon)) notQuiet.add(node);
    return root;
  };
  for (const [id, order] of docs.orders)
    consider(`o:${id}`, order.closed !== null || figures.orderResidual(id) === ZERO, order.at);
  for (const [id, delivery] of docs.deliveries) {
    consider(`d:${id}`, delivery.cancelled || figures.deliveryResidual(id) === ZERO, delivery.at);
    for (const ref of delivery.orderRefs) groups.join(`d:${id}`, `o:${ref.orderId}`);
  }
  for (const [id, invoice] of docs.invoices) {
    consider(`i:${id}`, invoice.cancelled || (figures.postings.get(id) ?? 0) > 0, invoice.at);
    for (const ref of invoice.deliveryRefs) groups.join(`i:${id}`, `d:${ref.deliveryId}`);
    for (const ref of invoice.orderRefs) groups.join(`i:${id}`, `o:${ref.orderId}`);
  }
  for (const [id, entry] of docs.journal) {
    const duringOpenCase =
      keepPostedFrom !== undefined && entry.postingDate !== null && entry.postingDate >= keepPostedFrom;
    consider(`j:${id}`, !duringOpenCase, entry.at);
    for (const line of entry.lines) {
      if (line.invoiceRef !== undefined) groups.join(`j:${id}`, `i:${line.invoiceRef}`);
      if (line.openItemId !== undefined) groups.join(`j:${id}`, `p:${line.openItemId}`);
      for (const s of line.settles ?? []) groups.join(`j:${id}`, `p:${s.openItemId}`);
    }
  }
  for (const openItemId of figures.items.keys())
    if (figures.itemResidual(openItemId) !== ZERO) notFinal.add(`p:${openItemId}`);

  const notFinalRoots = new Set<string>();
  for (const node of notFinal) notFinalRoots.add(groups.find(node));
  const notQuietRoots = new Set<string>();
  for (const node of notQuiet) notQuietRoots.add(groups.find(node));
  const atOf = (node: string): number | undefined => {
    const kind = KIND[node[0]];
    return kind === undefined ? undefined : docs[kind].get(node.slice(2))?.at;
  };
  // A group's last change: when it is final and quiet it is archived with it, otherwise the next pass is due by it.
  const lastChange = new Map<string, number>();
  const members: string[] = [];
  for (const node of [...groups.nodes()]) {
    const root = groups.find(node);
    if (notFinalRoots.has(root)) continue;
    lastChange.set(root, Math.max(lastChange.get(root) ?? 0, atOf(node) ?? 0));
    if (!notQuietRoots.has(root)) members.push(node);
  }
  let due = Infinity;
  for (const root of notQuietRoots) if (!notFinalRoots.has(root)) due = Math.min(due, lastChange.get(root)!);
  if (members.length === 0) return due;

  // What the group's entries leave behind, read before the figures forget their items.
  const items = figures.openItems();
  for (const node of members) {
    const invoice = node[0] === 'i' ? docs.invoices.get(node.slice(2)) : undefined;
    if (invoice !== undefined && !invoice.cancelled && invoice.invoiceDate !== undefined) {
      const signed = invoice.kind === 'credit-note' ? -invoice.amount : invoice.amount;
      docs.archive.turnover.set(
        invoice.invoiceDate,
        (docs.archive.turnover.get(invoice.invoiceDate) ?? ZERO) + signed,
      );
    }
    if (node[0] !== 'j') continue;
    const entry = docs.journal.get(node.slice(2))!;
    keepContribution(docs.archive, entry, items);
  }
  // A tombstone holds the document's last change (a fact not newer is a re-send: ignored; a newer one a
  // change: refused) and its group's (the tombstones of a group expire together). An open item, or a
  // document only referred to, has its group's as its own.
  for (const node of members) {
    const group = lastChange.get(groups.find(node))!;
    docs.archive.tombstones.set(node, [atOf(node) ?? group, group]);
  }
  for (const node of members) {
    const kind = KIND[node[0]];
    if (kind !== undefined) figures.replace(kind, node.slice(2), undefined);
    archived.push(node);
  }
  return due;
}

const KIND: Record<string, DocumentKind | undefined> = {
  o: 'orders',
  d: 'deliveries',
  i: 'invoices',
  j: 'journal',
};

/** The saldo of an archived entry and its settlements of opened items, as the payment behaviour weighs them. */
function keepContribution(
  archive: Archive,
  entry: JournalEntryState,
  items: ReadonlyMap<string, { dueDate: BusinessDate }>,
): void {
  if (entry.reversed) return;
  for (const line of entry.lines) {
    archive.balance += line.side === 'debit' ? line.amount : -line.amount;
    if (entry.postingDate === null) continue;
    for (const s of line.settles ?? []) {
      const item = items.get(s.openItemId);
      if (item === undefined) continue;
      const daysLate = Math.max(0, daysBetween(item.dueDate, entry.postingDate));
      const [lateDayCents, weightCents] = archive.payments.get(entry.postingDate) ?? [0n, ZERO];
      archive.payments.set(entry.postingDate, [
        lateDayCents + s.amount * BigInt(daysLate),
        weightCents + s.amount,
      ]);
    }
  }
}

/** Archives the quiet final bills; returns the oldest last change of the final bills left. */
function archiveBills(docs: Archivable, figures: LiveFigures, horizon: number, archived: string[]): number {
  let due = Infinity;
  for (const [id, bill] of docs.bills) {
    if (!finalBill(bill)) continue;
    if (!quietBefore(bill.at, horizon)) {
      due = Math.min(due, bill.at ?? 0);
      continue;
    }
    if (bill.status === 'dishonoured' && bill.statusDate !== null)
      docs.archive.dishonoured.set(bill.statusDate, (docs.archive.dishonoured.get(bill.statusDate) ?? 0) + 1);
    docs.archive.tombstones.set(`${LETTER.bills}:${id}`, [bill.at ?? 0, bill.at ?? 0]);
    figures.replace('bills', id, undefined);
    archived.push(`${LETTER.bills}:${id}`);
  }
  return due;
}

const finalBill = (bill: BillState): boolean =>
  bill.status === 'collected' || bill.status === 'dishonoured' || bill.status === 'cancelled';

/**
 * Tombstones live until the document's last change is older than the quiet
 * period plus the window: by then every re-send of it is beyond the horizon.
 * Dated sums leave once older than the behaviour window before the latest
 * watermark (a business date runs at most a day behind the events it
 * receives). Looks only when the watch says something may have expired, or
 * `added` (this pass archived something); returns whether it forgot anything.
 */
function forgetExpired(docs: Archivable, lifeMs: number, watch: ArchivingWatch, added: boolean): boolean {
  const { archive, watermarks } = docs;
  const latest = Math.max(...Object.values(watermarks).map((w) => w ?? -Infinity));
  if (!Number.isFinite(latest)) return false;
  const documentsClock = documentsClockOf(watermarks);
  const oldest = addDays(utcDate(latest), -(BEHAVIOUR_WINDOW_DAYS + 1));
  const due =
    added ||
    (documentsClock !== undefined && watch.tombstones < documentsClock - lifeMs) ||
    (watermarks.bills !== undefined && watch.billTombstones < watermarks.bills - lifeMs) ||
    (watch.oldestDated !== null && watch.oldestDated < oldest);
  if (!due) return false;
  let forgot = false;
  watch.tombstones = Infinity;
  watch.billTombstones = Infinity;
  for (const [key, [, lastChange]] of archive.tombstones) {
    const bill = key[0] === 'b';
    const clock = bill ? watermarks.bills : documentsClock;
    if (clock !== undefined && lastChange < clock - lifeMs) {
      forgot = archive.tombstones.delete(key);
      continue;
    }
    if (bill) watch.billTombstones = Math.min(watch.billTombstones, lastChange);
    else watch.tombstones = Math.min(watch.tombstones, lastChange);
  }
  watch.oldestDated = null;
  for (const dated of [archive.payments, archive.dishonoured, archive.turnover])
    for (const date of dated.keys()) {
      if (date < oldest) forgot = dated.delete(date);
      else if (watch.oldestDated === null || date < watch.oldestDated) watch.oldestDated = date;
    }
  return forgot;
}
