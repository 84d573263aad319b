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

export interface PaymentBehaviour {
  /** Amount-weighted average days late, as an exact fraction. */
  lateDayCents: bigint;
  settledCents: Cents;
  dishonouredBills12m: number;
}

export function paymentBehaviour(
  docs: CustomerDocuments,
  items: ReadonlyMap<string, OpenItem>,
  paid: readonly SettlementRecord[],
  businessDate: BusinessDate,
): PaymentBehaviour {
  let lateDayCents = 0n;
  let settledCents = ZERO;
  for (const s of paid) {
    const item = items.get(s.openItemId);
    if (item === undefined || !inWindow(s.date, businessDate)) continue;
    const daysLate = Math.max(0, daysBetween(item.dueDate, s.date));
    lateDayCents += s.amount * BigInt(daysLate);
    settledCents += s.amount;
  }
  let dishonouredBills12m = 0;
  for (const bill of docs.bills.values()) {
    if (
      bill.status === 'dishonoured' &&
      bill.statusDate !== null &&
      inWindow(bill.statusDate, businessDate)
    ) {
      dishonouredBills12m += 1;
    }
  }
  return { lateDayCents, settledCents, dishonouredBills12m };
}

/** avgDaysLate rounded half up to two decimals, as a decimal string ("0.00" when nothing was paid). */
export function averageDaysLate(behaviour: PaymentBehaviour): string {
  if (behaviour.settledCents <= ZERO) return '0.00';
  const hundredths = (behaviour.lateDayCents * 200n + behaviour.settledCents) / (behaviour.settledCents * 2n);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}

/** Compares the exact average with a bound, so 5.001 days is not class A. */
const averageAtMost = (b: PaymentBehaviour, days: number): boolean =>
  b.settledCents <= ZERO || b.lateDayCents <= b.settledCents * BigInt(days);

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
