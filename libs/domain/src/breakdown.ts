import { addDays, BusinessDate, daysBetween } from './dates';
import {
  billsAtRisk,
  consumedByOrder,
  deliveryResiduals,
  invoicedByDelivery,
  ledgerBalance,
  orderResiduals,
  unpostedInvoiceValues,
} from './components';
import { BillStatus, CustomerDocuments } from './documents';
import { BillInstrument, DeliveryRef, InvoiceKind, OrderRef } from './facts';
import { Cents, sum, ZERO } from './money';
import { OpenItem, openItems, settlements } from './open-items';
import { CompanyParameters, ComponentName } from './parameters';

/**
 * The documents behind each exposure component, so that an operator can drill
 * down from an amount to what makes it up. Every row is computed with the very
 * functions the components are summed from, so the rows of a component always
 * add up to it exactly.
 */

/** documentId of the receivables row for the part of the ledger balance no open item explains. */
export const UNALLOCATED_LEDGER_BALANCE = '(unallocated ledger balance)';

export type BreakdownDetails =
  | { kind: 'order'; orderAmount: Cents; consumed: Cents }
  | { kind: 'delivery'; deliveryAmount: Cents; invoiced: Cents; orderRefs: readonly OrderRef[] }
  | {
      kind: InvoiceKind;
      invoiceAmount: Cents;
      deliveryRefs: readonly DeliveryRef[];
      orderRefs: readonly OrderRef[];
    }
  | {
      kind: 'open-item';
      dueDate: BusinessDate;
      itemAmount: Cents;
      settled: Cents;
      /** Days past the due date on the business date (0 when not due). */
      daysOverdue: number;
    }
  | {
      /** Ledger balance minus the open items' residuals: postings without an open item, overpayments... */
      kind: 'unallocated';
      ledgerBalance: Cents;
      openItemResiduals: Cents;
    }
  | {
      kind: 'bill';
      instrument: BillInstrument | null;
      status: BillStatus;
      dueDate: BusinessDate;
      /** The last business date on which the bill is at risk (then presumed collected). */
      atRiskUntil: BusinessDate;
    };

export interface BreakdownRow {
  documentId: string;
  /** What this document contributes to the component (signed: credit notes are negative). */
  amount: Cents;
  details: BreakdownDetails;
}

export type ExposureBreakdown = Readonly<Record<ComponentName, BreakdownRow[]>>;

/** An id for the unallocated row that no open item uses (ids are producer-chosen). */
function unallocatedId(items: ReadonlyMap<string, OpenItem>): string {
  let id = UNALLOCATED_LEDGER_BALANCE;
  while (items.has(id)) id += '*';
  return id;
}

function receivableRows(docs: CustomerDocuments, businessDate: BusinessDate): BreakdownRow[] {
  const items = openItems(docs);
  const rows: BreakdownRow[] = [];
  for (const item of items.values()) {
    if (item.residual <= ZERO) continue;
    rows.push({
      documentId: item.openItemId,
      amount: item.residual,
      details: {
        kind: 'open-item',
        dueDate: item.dueDate,
        itemAmount: item.amount,
        settled: item.settled,
        daysOverdue: Math.max(0, daysBetween(item.dueDate, businessDate)),
      },
    });
  }
  const balance = ledgerBalance(docs);
  const residuals = sum(rows.map((r) => r.amount));
  if (balance !== residuals) {
    rows.push({
      documentId: unallocatedId(items),
      amount: balance - residuals,
      details: { kind: 'unallocated', ledgerBalance: balance, openItemResiduals: residuals },
    });
  }
  return rows;
}

/**
 * Per component, the documents that make it up with the amount each
 * contributes: open orders and delivery notes with their residuals, unposted
 * invoices and credit notes with their signed values, open items with their
 * residuals plus the rest of the ledger balance, and the bills at risk.
 */
export function exposureBreakdown(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): ExposureBreakdown {
  const consumed = consumedByOrder(docs);
  const orders = [...orderResiduals(docs)].map(([id, residual]): BreakdownRow => ({
    documentId: id,
    amount: residual,
    details: { kind: 'order', orderAmount: docs.orders.get(id)!.amount, consumed: consumed.get(id) ?? ZERO },
  }));

  const invoiced = invoicedByDelivery(docs);
  const deliveries = [...deliveryResiduals(docs)].map(([id, residual]): BreakdownRow => {
    const delivery = docs.deliveries.get(id)!;
    return {
      documentId: id,
      amount: residual,
      details: {
        kind: 'delivery',
        deliveryAmount: delivery.amount,
        invoiced: invoiced.get(id) ?? ZERO,
        orderRefs: delivery.orderRefs,
      },
    };
  });

  const unpostedInvoices = [...unpostedInvoiceValues(docs)].map(([id, value]): BreakdownRow => {
    const invoice = docs.invoices.get(id)!;
    return {
      documentId: id,
      amount: value,
      details: {
        kind: invoice.kind,
        invoiceAmount: invoice.amount,
        deliveryRefs: invoice.deliveryRefs,
        orderRefs: invoice.orderRefs,
      },
    };
  });

  const bills = [...billsAtRisk(docs, businessDate, params.billRiskDays)].map(
    ([id, amount]): BreakdownRow => {
      const bill = docs.bills.get(id)!;
      // billsAtRisk only returns bills with a due date.
      const dueDate = bill.dueDate!;
      return {
        documentId: id,
        amount,
        details: {
          kind: 'bill',
          instrument: bill.instrument,
          status: bill.status,
          dueDate,
          atRiskUntil: addDays(dueDate, params.billRiskDays),
        },
      };
    },
  );

  return { orders, deliveries, unpostedInvoices, receivables: receivableRows(docs, businessDate), bills };
}

/** One settlement of one open item by one journal entry (several lines of the entry add up). */
export interface SettlementLine {
  entryId: string;
  openItemId: string;
  amount: Cents;
  settlementDate: BusinessDate;
  /** null while the settled item has not been seen (or its posting was reversed). */
  dueDate: BusinessDate | null;
  /** settlementDate - dueDate (negative when paid early); null without a due date. */
  daysLate: number | null;
}

/** The settlements of non-reversed entries, with the days late of section 8. */
export function settlementHistory(docs: CustomerDocuments): SettlementLine[] {
  const items = openItems(docs);
  const lines = new Map<string, SettlementLine>();
  for (const s of settlements(docs)) {
    const key = JSON.stringify([s.entryId, s.openItemId]);
    const existing = lines.get(key);
    if (existing) {
      existing.amount += s.amount;
      continue;
    }
    const dueDate = items.get(s.openItemId)?.dueDate ?? null;
    lines.set(key, {
      entryId: s.entryId,
      openItemId: s.openItemId,
      amount: s.amount,
      settlementDate: s.date,
      dueDate,
      daysLate: dueDate === null ? null : daysBetween(dueDate, s.date),
    });
  }
  return [...lines.values()];
}

export interface DishonouredBill {
  billId: string;
  /** 0 while only the dishonour has been seen, not the bill itself. */
  amount: Cents;
  dishonouredOn: BusinessDate | null;
  dueDate: BusinessDate | null;
  instrument: BillInstrument | null;
}

/** Bills returned unpaid (insoluti), whenever that happened. */
export function dishonouredBills(docs: CustomerDocuments): DishonouredBill[] {
  const result: DishonouredBill[] = [];
  for (const [billId, bill] of docs.bills) {
    if (bill.status !== 'dishonoured') continue;
    result.push({
      billId,
      amount: bill.amount,
      dishonouredOn: bill.statusDate,
      dueDate: bill.dueDate,
      instrument: bill.instrument,
    });
  }
  return result;
}

export const AGEING_BUCKETS = ['notDue', 'days1To30', 'days31To60', 'days61To90', 'over90Days'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];
export type AgeingBuckets = Readonly<Record<AgeingBucket, Cents>>;

/** The bucket of an item due on `dueDate`, seen on `businessDate`. */
export function ageingBucketOf(dueDate: BusinessDate, businessDate: BusinessDate): AgeingBucket {
  const days = daysBetween(dueDate, businessDate);
  if (days <= 0) return 'notDue';
  if (days <= 30) return 'days1To30';
  if (days <= 60) return 'days31To60';
  if (days <= 90) return 'days61To90';
  return 'over90Days';
}

/** Residuals by days past due: not due, 1-30, 31-60, 61-90, over 90 days (exact cents). */
export function ageingBuckets(items: Iterable<OpenItem>, businessDate: BusinessDate): AgeingBuckets {
  const buckets: Record<AgeingBucket, Cents> = {
    notDue: ZERO,
    days1To30: ZERO,
    days31To60: ZERO,
    days61To90: ZERO,
    over90Days: ZERO,
  };
  for (const item of items) buckets[ageingBucketOf(item.dueDate, businessDate)] += item.residual;
  return buckets;
}
