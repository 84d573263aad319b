import { DocumentType } from './facts';
import { DEFAULT_LIMIT_PROPOSAL_FACTORS, LimitProposalFactors } from './limit-proposal';

/** Company parameters of the contract. Every company starts from DEFAULT_PARAMETERS. */
export const COMPONENTS = ['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/**
 * What a customer without a credit limit is: `no-limit` (status NO_LIMIT, never
 * blocked, the contract's default) or a limit of zero in warn or block mode.
 */
export type MissingLimitPolicy = 'no-limit' | 'zero-warn' | 'zero-block';

export interface RiskClassBound {
  /** avgDaysLate must be at most this many days. */
  maxAvgDaysLate: number;
  /** dishonouredBills12m must be at most this many. */
  maxDishonouredBills: number;
}

/** How a document type is checked before it is created (section 6); the milder of this and the customer's mode applies. */
export type CheckSeverity = 'off' | 'warn' | 'block';

export interface CompanyParameters {
  timeZone: string;
  includedComponents: Readonly<Record<ComponentName, boolean>>;
  billRiskDays: number;
  missingLimit: MissingLimitPolicy;
  riskClasses: Readonly<{ A: RiskClassBound; B: RiskClassBound; C: RiskClassBound }>;
  documentChecks: Readonly<Record<DocumentType, CheckSeverity>>;
  /** Multiplier of the credit-limit proposal per risk class (section 11). */
  limitProposalFactors: LimitProposalFactors;
}

export const DEFAULT_PARAMETERS: CompanyParameters = Object.freeze({
  timeZone: 'Europe/Rome',
  includedComponents: Object.freeze({
    orders: true,
    deliveries: true,
    unpostedInvoices: true,
    receivables: true,
    bills: true,
  }),
  billRiskDays: 15,
  missingLimit: 'no-limit',
  riskClasses: Object.freeze({
    A: { maxAvgDaysLate: 5, maxDishonouredBills: 0 },
    B: { maxAvgDaysLate: 20, maxDishonouredBills: 1 },
    C: { maxAvgDaysLate: 45, maxDishonouredBills: 2 },
  }),
  documentChecks: Object.freeze({ order: 'block', delivery: 'block', invoice: 'block' }),
  limitProposalFactors: DEFAULT_LIMIT_PROPOSAL_FACTORS,
});

/** Stored parameters over the defaults, so a record written before a parameter existed stays valid. */
export function withDefaults(
  stored: Partial<CompanyParameters>,
  defaults: CompanyParameters,
): CompanyParameters {
  return {
    ...defaults,
    ...stored,
    includedComponents: { ...defaults.includedComponents, ...stored.includedComponents },
    riskClasses: { ...defaults.riskClasses, ...stored.riskClasses },
    documentChecks: { ...defaults.documentChecks, ...stored.documentChecks },
    limitProposalFactors: { ...defaults.limitProposalFactors, ...stored.limitProposalFactors },
  };
}
