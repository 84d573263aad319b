import { addDays, BusinessDate, daysBetween } from './dates';
import { Archive, CustomerDocuments } from './documents';
import { Cents, ZERO } from './money';
import { OpenItem, SettlementRecord } from './open-items';
import { CompanyParameters } from './parameters';

export type RiskClass = 'A' | 'B' | 'C' | 'D';

/** The look-back window of section 8: the 365 days ending on the business date. */
export const BEHAVIOUR_WINDOW_DAYS = 365;

/**
 * Whether a date is in the window ending on `businessDate`: 0 to 364 days
 * before it. Compared as text (business dates are ISO dates, whose order as
 * text is their order in time), because a customer's year of archived
 * settlements is walked at every change of its journal.
 */
function windowEndingOn(businessDate: BusinessDate): (date: BusinessDate) => boolean {
  const first = addDays(businessDate, 1 - BEHAVIOUR_WINDOW_DAYS);
  return (date) => date >= first && date <= businessDate;
}

/**
 * The amount-weighted average days late as an exact fraction
 * `lateDayCents / weightCents`: the settlements of the window, each weighted
 * by its amount, plus every open item still unpaid and already due, weighted
 * by its residual and late until the business date (spec section 8: a
 * customer who never pays is not class A).
 */
export interface PaymentBehaviour {
  lateDayCents: bigint;
  weightCents: Cents;
  dishonouredBills12m: number;
}

/**
 * @param archived the archive's part (archivedBehaviour), which a caller may
 * keep while the archive and the date stand
 */
export function paymentBehaviour(
  docs: CustomerDocuments,
  items: ReadonlyMap<string, OpenItem>,
  paid: readonly SettlementRecord[],
  businessDate: BusinessDate,
  archived: PaymentBehaviour = archivedBehaviour(docs.archive, businessDate),
): PaymentBehaviour {
  const inWindow = windowEndingOn(businessDate);
  let lateDayCents = archived.lateDayCents;
  let weightCents = archived.weightCents;
  for (const s of paid) {
    const item = items.get(s.openItemId);
    if (item === undefined || !inWindow(s.date)) continue;
    const daysLate = Math.max(0, daysBetween(item.dueDate, s.date));
    lateDayCents += s.amount * BigInt(daysLate);
    weightCents += s.amount;
  }
  for (const item of items.values()) {
    if (item.residual <= ZERO || item.dueDate >= businessDate) continue;
    lateDayCents += item.residual * BigInt(daysBetween(item.dueDate, businessDate));
    weightCents += item.residual;
  }
  let dishonouredBills12m = archived.dishonouredBills12m;
  for (const bill of docs.bills.values()) {
    if (bill.status === 'dishonoured' && bill.statusDate !== null && inWindow(bill.statusDate)) {
      dishonouredBills12m += 1;
    }
  }
  return { lateDayCents, weightCents, dishonouredBills12m };
}

/** The archived settlements and dishonoured bills of the window, kept as sums per date (archive.ts). */
export function archivedBehaviour(
  archive: Archive | undefined,
  businessDate: BusinessDate,
): PaymentBehaviour {
  let lateDayCents = 0n;
  let weightCents = ZERO;
  let dishonouredBills12m = 0;
  if (archive !== undefined) {
    const inWindow = windowEndingOn(businessDate);
    for (const [date, day] of archive.payments) {
      if (!inWindow(date)) continue;
      lateDayCents += day[0];
      weightCents += day[1];
    }
    for (const [date, count] of archive.dishonoured) if (inWindow(date)) dishonouredBills12m += count;
  }
  return { lateDayCents, weightCents, dishonouredBills12m };
}

/** avgDaysLate rounded half up to two decimals, as a decimal string ("0.00" when nothing counts). */
export function averageDaysLate(behaviour: PaymentBehaviour): string {
  if (behaviour.weightCents <= ZERO) return '0.00';
  const hundredths = (behaviour.lateDayCents * 200n + behaviour.weightCents) / (behaviour.weightCents * 2n);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}

/** Compares the exact average with a bound, so 5.001 days is not class A. */
const averageAtMost = (b: PaymentBehaviour, days: number): boolean =>
  b.weightCents <= ZERO || b.lateDayCents <= b.weightCents * BigInt(days);

export function riskClass(behaviour: PaymentBehaviour, params: CompanyParameters): RiskClass {
  for (const name of ['A', 'B', 'C'] as const) {
    const bound = params.riskClasses[name];
    if (
      averageAtMost(behaviour, bound.maxAvgDaysLate) &&
      behaviour.dishonouredBills12m <= bound.maxDishonouredBills
    ) {
      return name;
    }
  }
  return 'D';
}
