import { BusinessDate, daysBetween } from './dates';
import { CustomerDocuments, JournalEntryState } from './documents';
import { Cents, max, ZERO } from './money';

/** One instalment (partita) opened by a debit line with `openItemId` and `dueDate`. */
export interface OpenItem {
  openItemId: string;
  amount: Cents;
  dueDate: BusinessDate;
  settled: Cents;
  residual: Cents;
}

export interface SettlementRecord {
  openItemId: string;
  amount: Cents;
  date: BusinessDate;
  entryId: string;
}

/** One entry's settlements, dated by its posting date; none while it is reversed or has no posting date. */
export function settlementsOf(entryId: string, entry: JournalEntryState): SettlementRecord[] {
  const result: SettlementRecord[] = [];
  if (entry.reversed || entry.postingDate === null) return result;
  for (const line of entry.lines) {
    for (const s of line.settles ?? []) {
      result.push({ openItemId: s.openItemId, amount: s.amount, date: entry.postingDate, entryId });
    }
  }
  return result;
}

/** Settlements of non-reversed entries, in any order; each dated by its entry's posting date. */
export function settlements(docs: CustomerDocuments): SettlementRecord[] {
  const result: SettlementRecord[] = [];
  for (const [entryId, entry] of docs.journal) for (const s of settlementsOf(entryId, entry)) result.push(s);
  return result;
}

/**
 * Open items with their residuals. Several debit lines naming the same
 * openItemId add up to one item due on the earliest of their due dates.
 */
export function openItems(docs: CustomerDocuments): Map<string, OpenItem> {
  const items = new Map<string, OpenItem>();
  for (const entry of docs.journal.values()) {
    if (entry.reversed) continue;
    for (const line of entry.lines) {
      if (line.side !== 'debit' || line.openItemId === undefined || line.dueDate === undefined) continue;
      const existing = items.get(line.openItemId);
      items.set(line.openItemId, {
        openItemId: line.openItemId,
        amount: (existing?.amount ?? ZERO) + line.amount,
        dueDate: existing && existing.dueDate < line.dueDate ? existing.dueDate : line.dueDate,
        settled: ZERO,
        residual: ZERO,
      });
    }
  }
  const settledById = new Map<string, Cents>();
  for (const s of settlements(docs))
    settledById.set(s.openItemId, (settledById.get(s.openItemId) ?? ZERO) + s.amount);
  for (const item of items.values()) {
    item.settled = settledById.get(item.openItemId) ?? ZERO;
    item.residual = max(ZERO, item.amount - item.settled);
  }
  return items;
}

export interface OverdueSummary {
  overdueAmount: Cents;
  oldestOverdueDays: number;
  /** Some item with a residual is late by more than the tolerance. */
  breach: boolean;
}

export function overdueSummary(
  items: Iterable<OpenItem>,
  businessDate: BusinessDate,
  toleranceDays: number,
): OverdueSummary {
  let overdueAmount = ZERO;
  let oldestOverdueDays = 0;
  let breach = false;
  for (const item of items) {
    if (item.residual <= ZERO || item.dueDate >= businessDate) continue;
    const daysLate = daysBetween(item.dueDate, businessDate);
    overdueAmount += item.residual;
    oldestOverdueDays = Math.max(oldestOverdueDays, daysLate);
    if (daysLate > toleranceDays) breach = true;
  }
  return { overdueAmount, oldestOverdueDays, breach };
}
