import { RawEnvelope, RawJournalLine } from '@credit/contracts';

/* eslint-disable @typescript-eslint/no-explicit-any -- `data` is the raw JSON of a valid event */
const refs = (list: any[] | undefined, idField: string): string =>
  list === undefined || list.length === 0
    ? ''
    : ` <- ${list.map((ref) => `${ref[idField]} ${ref.amount}`).join(', ')}`;

function describeLine(line: RawJournalLine): string {
  const parts = [`${line.side} ${line.amount}`];
  if (line.invoiceRef !== undefined) parts.push(`invoice ${line.invoiceRef}`);
  if (line.openItemId !== undefined && line.side === 'debit')
    parts.push(`item ${line.openItemId} due ${line.dueDate}`);
  for (const s of line.settles ?? []) parts.push(`settles ${s.openItemId} ${s.amount}`);
  return parts.join(' ');
}

/** What one event says, on one line: `IT01:C002 order.confirmed SO-2001 4000.00`. */
export function describeEvent(envelope: RawEnvelope): string {
  const d = envelope.data as any;
  let detail: string;
  switch (envelope.type) {
    case 'order.confirmed':
      detail = `${d.orderId} ${d.amount}`;
      break;
    case 'order.closed':
      detail = `${d.orderId} ${d.reason}`;
      break;
    case 'delivery.issued':
      detail = `${d.deliveryId} ${d.amount}${refs(d.orderRefs, 'orderId')}`;
      break;
    case 'delivery.cancelled':
      detail = d.deliveryId;
      break;
    case 'invoice.issued':
      detail =
        `${d.invoiceId} ${d.kind === 'credit-note' ? 'credit note ' : ''}${d.amount}` +
        `${refs(d.deliveryRefs, 'deliveryId')}${refs(d.orderRefs, 'orderId')}`;
      break;
    case 'invoice.cancelled':
      detail = d.invoiceId;
      break;
    case 'document.checkRequested':
      detail = `${d.documentType} ${d.documentId} ${d.amount}${d.requestedBy ? ` by ${d.requestedBy}` : ''}`;
      break;
    case 'journal.posted':
      detail = `${d.entryId} ${d.postingDate}: ${(d.lines as RawJournalLine[]).map(describeLine).join('; ')}`;
      break;
    case 'journal.reversed':
      detail = d.entryId;
      break;
    case 'bill.issued':
      detail = `${d.billId} ${d.amount} due ${d.dueDate} ${d.instrument}`;
      break;
    case 'bill.presented':
      detail = `${d.billId} ${d.presentedAt}${d.bankId ? ` to ${d.bankId}` : ''}`;
      break;
    case 'bill.collected':
      detail = `${d.billId} ${d.collectedAt}`;
      break;
    case 'bill.dishonoured':
      detail = `${d.billId} ${d.dishonouredAt}${d.reason ? ` (${d.reason})` : ''}`;
      break;
    case 'bill.cancelled':
      detail = d.billId;
      break;
    case 'creditLimit.set':
      detail =
        `${d.amount} ${d.mode} attention ${d.attentionThresholdPct ?? 80}%` +
        `${d.validUntil ? ` until ${d.validUntil}` : ''}` +
        `${d.overdueToleranceDays ? ` overdue tolerance ${d.overdueToleranceDays}d` : ''}`;
      break;
    case 'creditLimit.removed':
      detail = `by ${d.removedBy}`;
      break;
    case 'customer.updated':
      detail = d.name;
      break;
    default:
      detail = JSON.stringify(d);
  }
  return `${envelope.companyId}:${envelope.customerId} ${envelope.type} ${detail}`;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
