import { collectionDates } from './collections';
import { reviewDueOn } from './credit-class';
import { addDays, BusinessDate } from './dates';
import { CustomerDocuments } from './documents';
import { openItems, settlements } from './open-items';
import { CompanyParameters } from './parameters';
import { BEHAVIOUR_WINDOW_DAYS } from './payment-behaviour';

/**
 * The first business date after `businessDate` on which the assessment can
 * change with no event arriving: an item falls overdue or past its tolerance, a
 * bill is presumed collected, a limit expires, a temporary limit or a manual
 * block ends, a credit review falls due, a payment or a dishonour leaves the
 * behaviour window. While anything is overdue, oldestOverdueDays moves every
 * day, so that customer is reviewed daily. Null when nothing is pending.
 */
export function nextReviewDate(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): BusinessDate | null {
  let next: BusinessDate | null = null;
  const consider = (date: BusinessDate) => {
    if (date > businessDate && (next === null || date < next)) next = date;
  };
  const tomorrow = addDays(businessDate, 1);
  const tolerance = docs.limit?.overdueToleranceDays ?? 0;
  for (const item of openItems(docs).values()) {
    if (item.residual <= 0n) continue;
    if (item.dueDate < businessDate) consider(tomorrow);
    consider(addDays(item.dueDate, 1));
    consider(addDays(item.dueDate, tolerance + 1));
  }
  for (const bill of docs.bills.values()) {
    if (bill.dueDate !== null && (bill.status === 'issued' || bill.status === 'presented')) {
      consider(addDays(bill.dueDate, params.billRiskDays + 1));
    }
    if (bill.status === 'dishonoured' && bill.statusDate !== null) {
      consider(bill.statusDate);
      consider(addDays(bill.statusDate, BEHAVIOUR_WINDOW_DAYS));
    }
  }
  for (const s of settlements(docs)) {
    consider(s.date);
    consider(addDays(s.date, BEHAVIOUR_WINDOW_DAYS));
  }
  if (docs.limit?.validUntil) consider(addDays(docs.limit.validUntil, 1));
  if (docs.limit?.temporaryUntil) consider(addDays(docs.limit.temporaryUntil, 1));
  if (docs.manualBlock?.until) consider(addDays(docs.manualBlock.until, 1));
  // Levels and promises fall due by the clock alone (spec 12).
  for (const date of collectionDates(openItems(docs).values(), docs.collection?.actions, params.dunning))
    consider(date);
  const review = reviewDueOn(docs, params.timeZone);
  if (review !== null) consider(review);
  return next;
}
