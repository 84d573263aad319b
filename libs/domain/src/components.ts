import { addDays, BusinessDate } from './dates';
import { CustomerDocuments } from './documents';
import { Cents, max, sum, ZERO } from './money';
import { ComponentName, CompanyParameters, COMPONENTS } from './parameters';

export type Components = Readonly<Record<ComponentName, Cents>>;

function addTo(totals: Map<string, Cents>, id: string, amount: Cents): void {
  totals.set(id, (totals.get(id) ?? ZERO) + amount);
}

/** How much of each order the live deliveries and invoices take over. */
export function consumedByOrder(docs: CustomerDocuments): Map<string, Cents> {
  const consumed = new Map<string, Cents>();
  for (const delivery of docs.deliveries.values()) {
    if (!delivery.cancelled) for (const ref of delivery.orderRefs) addTo(consumed, ref.orderId, ref.amount);
  }
  for (const invoice of docs.invoices.values()) {
    if (!invoice.cancelled) for (const ref of invoice.orderRefs) addTo(consumed, ref.orderId, ref.amount);
  }
  return consumed;
}

/** How much of each delivery note the live invoices take over. */
export function invoicedByDelivery(docs: CustomerDocuments): Map<string, Cents> {
  const invoiced = new Map<string, Cents>();
  for (const invoice of docs.invoices.values()) {
    if (!invoice.cancelled)
      for (const ref of invoice.deliveryRefs) addTo(invoiced, ref.deliveryId, ref.amount);
  }
  return invoiced;
}

/** Invoices that a line of a non-reversed journal entry refers to. */
export function postedInvoiceIds(docs: CustomerDocuments): Set<string> {
  const posted = new Set<string>();
  for (const entry of docs.journal.values()) {
    if (entry.reversed) continue;
    for (const line of entry.lines) if (line.invoiceRef !== undefined) posted.add(line.invoiceRef);
  }
  return posted;
}

export function orderResiduals(docs: CustomerDocuments): Map<string, Cents> {
  const consumed = consumedByOrder(docs);
  const residuals = new Map<string, Cents>();
  for (const [id, order] of docs.orders) {
    if (order.closed === null) residuals.set(id, max(ZERO, order.amount - (consumed.get(id) ?? ZERO)));
  }
  return residuals;
}

export function deliveryResiduals(docs: CustomerDocuments): Map<string, Cents> {
  const invoiced = invoicedByDelivery(docs);
  const residuals = new Map<string, Cents>();
  for (const [id, delivery] of docs.deliveries) {
    if (!delivery.cancelled) residuals.set(id, max(ZERO, delivery.amount - (invoiced.get(id) ?? ZERO)));
  }
  return residuals;
}

/** Signed value of each invoice that is neither cancelled nor posted (credit notes negative). */
export function unpostedInvoiceValues(docs: CustomerDocuments): Map<string, Cents> {
  const posted = postedInvoiceIds(docs);
  const values = new Map<string, Cents>();
  for (const [id, invoice] of docs.invoices) {
    if (invoice.cancelled || posted.has(id)) continue;
    values.set(id, invoice.kind === 'credit-note' ? -invoice.amount : invoice.amount);
  }
  return values;
}

/** Saldo: debits minus credits of the entries not reversed (those archived included). */
export function ledgerBalance(docs: CustomerDocuments): Cents {
  let balance = docs.archive?.balance ?? ZERO;
  for (const entry of docs.journal.values()) {
    if (entry.reversed) continue;
    for (const line of entry.lines) balance += line.side === 'debit' ? line.amount : -line.amount;
  }
  return balance;
}

/**
 * Bills still at risk on a date: issued and neither collected, dishonoured nor
 * cancelled, and not past `dueDate + billRiskDays` (then presumed collected).
 */
export function billsAtRisk(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  billRiskDays: number,
): Map<string, Cents> {
  const atRisk = new Map<string, Cents>();
  for (const [id, bill] of docs.bills) {
    if (bill.dueDate === null || (bill.status !== 'issued' && bill.status !== 'presented')) continue;
    if (businessDate <= addDays(bill.dueDate, billRiskDays)) atRisk.set(id, bill.amount);
  }
  return atRisk;
}

/** Each component as a function of the documents it reads (assessFrom reuses one whose documents are unchanged). */
export const orderComponent = (docs: CustomerDocuments): Cents => sum(orderResiduals(docs).values());
export const deliveryComponent = (docs: CustomerDocuments): Cents => sum(deliveryResiduals(docs).values());
export const unpostedInvoiceComponent = (docs: CustomerDocuments): Cents =>
  sum(unpostedInvoiceValues(docs).values());
export const billComponent = (
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  billRiskDays: number,
): Cents => sum(billsAtRisk(docs, businessDate, billRiskDays).values());

export function components(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): Components {
  return {
    orders: orderComponent(docs),
    deliveries: deliveryComponent(docs),
    unpostedInvoices: unpostedInvoiceComponent(docs),
    receivables: ledgerBalance(docs),
    bills: billComponent(docs, businessDate, params.billRiskDays),
  };
}

/** The total of the components the company counts. */
export function total(parts: Components, params: CompanyParameters): Cents {
  return sum(COMPONENTS.filter((name) => params.includedComponents[name]).map((name) => parts[name]));
}
