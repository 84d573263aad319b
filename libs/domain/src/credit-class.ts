import { addDays, BusinessDate, businessDateOfInstant } from './dates';
import { CustomerDocuments } from './documents';

/**
 * The business date, in the company's time zone, of the customer's latest
 * credit decision: the last creditClass.assigned, creditLimit.set or
 * creditLimit.removed. Null when none was ever folded.
 */
export function lastCreditChangeOn(docs: CustomerDocuments, timeZone: string): BusinessDate | null {
  const at = docs.lastCreditChangeAt ?? null;
  return at === null ? null : businessDateOfInstant(at, timeZone);
}

/**
 * When the customer is due for a credit review (spec section 11): its class's
 * reviewEveryDays after the latest credit decision. Null without a class, or
 * when the class has no periodic review.
 */
export function reviewDueOn(docs: CustomerDocuments, timeZone: string): BusinessDate | null {
  const every = docs.creditClass?.reviewEveryDays ?? null;
  const since = lastCreditChangeOn(docs, timeZone);
  return every === null || since === null ? null : addDays(since, every);
}
