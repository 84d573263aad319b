import { addDays, BusinessDate, daysBetween } from './dates';
import { InvoiceState } from './documents';
import { Cents, ZERO } from './money';
import { RiskClass } from './payment-behaviour';

/** Per-risk-class multipliers of the limit proposal, as decimal strings ("1.2"). */
export type LimitProposalFactors = Readonly<Record<RiskClass, string>>;

export const DEFAULT_LIMIT_PROPOSAL_FACTORS: LimitProposalFactors = Object.freeze({
  A: '1.2',
  B: '1.0',
  C: '0.7',
  D: '0.4',
});

/** A non-negative decimal with up to 4 decimals, the wire format of a factor. */
export const PROPOSAL_FACTOR_PATTERN = /^[0-9]{1,3}(\.[0-9]{1,4})?$/;

/** The turnover window: the 365 days ending on the business date (as payment behaviour's). */
export const PROPOSAL_WINDOW_DAYS = 365;

/** Proposals are rounded up to a multiple of 100.00. */
const ROUNDING_CENTS = 10_000n;

export type PaymentTermsSource = 'class' | 'customer' | 'none';

export interface LimitProposalInput {
  invoices: Iterable<InvoiceState>;
  /** The turnover of archived invoices per invoice date (Archive.turnover). */
  archivedTurnover?: ReadonlyMap<BusinessDate, Cents>;
  businessDate: BusinessDate;
  /** The class's maximum terms, else the customer's own terms, else 0 (see termsSource). */
  paymentTermsDays: number;
  termsSource: PaymentTermsSource;
  /** The customer's average days late, a decimal string like "12.35" (the assessment's). */
  avgDaysLate: string;
  riskClass: RiskClass;
  factors: LimitProposalFactors;
}

export interface LimitProposal {
  proposedAmount: Cents;
  turnover12m: Cents;
  fromDate: BusinessDate;
  toDate: BusinessDate;
  paymentTermsDays: number;
  termsSource: PaymentTermsSource;
  avgDaysLate: string;
  riskClass: RiskClass;
  factor: string;
}

/** A non-negative decimal string as `units / 10^scale`. */
function decimal(text: string, field: string): { units: bigint; scale: bigint } {
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (match === null) throw new Error(`${field} must be a non-negative decimal string, got ${text}`);
  const fraction = match[2] ?? '';
  return { units: BigInt(match[1] + fraction), scale: 10n ** BigInt(fraction.length) };
}

/**
 * The credit limit a customer's history supports (spec section 11): the
 * invoiced turnover of the last 12 months (invoices minus credit notes dated
 * in the window, cancelled ones excluded; an invoice without a date cannot be
 * placed in the window and does not count) / 365 x (payment terms + average
 * days late) x the factor of its risk class, rounded UP to a multiple of
 * 100.00. Exact: one rational, rounded once; a negative turnover proposes 0.
 */
export function proposeCreditLimit(input: LimitProposalInput): LimitProposal {
  const fromDate = addDays(input.businessDate, -(PROPOSAL_WINDOW_DAYS - 1));
  let turnover: Cents = ZERO;
  for (const invoice of input.invoices) {
    if (invoice.cancelled || invoice.invoiceDate === undefined) continue;
    const age = daysBetween(invoice.invoiceDate, input.businessDate);
    if (age < 0 || age >= PROPOSAL_WINDOW_DAYS) continue;
    turnover += invoice.kind === 'credit-note' ? -invoice.amount : invoice.amount;
  }
  for (const [date, amount] of input.archivedTurnover ?? []) {
    const age = daysBetween(date, input.businessDate);
    if (age >= 0 && age < PROPOSAL_WINDOW_DAYS) turnover += amount;
  }
  const factorText = input.factors[input.riskClass];
  const factor = decimal(factorText, `limitProposalFactors.${input.riskClass}`);
  const late = decimal(input.avgDaysLate, 'avgDaysLate');
  // days = terms + avgDaysLate = (terms * late.scale + late.units) / late.scale
  const daysUnits = BigInt(input.paymentTermsDays) * late.scale + late.units;
  const numerator = (turnover > ZERO ? turnover : ZERO) * daysUnits * factor.units;
  const denominator = BigInt(PROPOSAL_WINDOW_DAYS) * late.scale * factor.scale * ROUNDING_CENTS;
  const hundreds = (numerator + denominator - 1n) / denominator;
  return {
    proposedAmount: hundreds * ROUNDING_CENTS,
    turnover12m: turnover,
    fromDate,
    toDate: input.businessDate,
    paymentTermsDays: input.paymentTermsDays,
    termsSource: input.termsSource,
    avgDaysLate: input.avgDaysLate,
    riskClass: input.riskClass,
    factor: factorText,
  };
}
