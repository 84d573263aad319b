import { BusinessDate, daysBetween } from './dates';
import { CustomerDocuments } from './documents';
import { Cents, ZERO } from './money';
import { OpenItem, SettlementRecord } from './open-items';
import { CompanyParameters } from './parameters';

export type RiskClass = 'A' | 'B' | 'C' | 'D';

/** The look-back window of section 8: the 365 days ending on the business date. */
export const BEHAVIOUR_WINDOW_DAYS = 365;

const inWindow = (date: BusinessDate, businessDate: BusinessDate): boolean => {
  const age = daysBetween(date, businessDate);
  return age >= 0 && age < BEHAVIOUR_WINDOW_DAYS;
};

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

export function paymentBehaviour(
  docs: CustomerDocuments,
  items: ReadonlyMap<string, OpenItem>,
  paid: readonly SettlementRecord[],
  businessDate: BusinessDate,
): PaymentBehaviour {
  let lateDayCents = 0n;
  let weightCents = ZERO;
  for (const s of paid) {
    const item = items.get(s.openItemId);
    if (item === undefined || !inWindow(s.date, businessDate)) continue;
    const daysLate = Math.max(0, daysBetween(item.dueDate, s.date));
    lateDayCents += s.amount * BigInt(daysLate);
    weightCents += s.amount;
  }
  for (const item of items.values()) {
    if (item.residual <= ZERO || item.dueDate >= businessDate) continue;
    lateDayCents += item.residual * BigInt(daysBetween(item.dueDate, businessDate));
    weightCents += item.residual;
  }
  let dishonouredBills12m = 0;
  // Archived settlements and dishonoured bills, kept as sums per date (archive.ts).
  const archive = docs.archive;
  if (archive !== undefined) {
    for (const [date, day] of archive.payments) {
      if (!inWindow(date, businessDate)) continue;
      lateDayCents += day[0];
      weightCents += day[1];
    }
    for (const [date, count] of archive.dishonoured)
      if (inWindow(date, businessDate)) dishonouredBills12m += count;
  }
  for (const bill of docs.bills.values()) {
    if (
      bill.status === 'dishonoured' &&
      bill.statusDate !== null &&
      inWindow(bill.statusDate, businessDate)
    ) {
      dishonouredBills12m += 1;
    }
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
