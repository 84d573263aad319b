import { DocumentType } from './facts';
import { DEFAULT_LIMIT_PROPOSAL_FACTORS, LimitProposalFactors } from './limit-proposal';
import { Cents, formatMoney, parseMoney } from './money';

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

/** What a dunning level asks the credit controller to do (spec section 12). */
export type DunningAction = 'reminder' | 'formal-notice' | 'out-of-court';
export const DUNNING_ACTIONS: readonly DunningAction[] = ['reminder', 'formal-notice', 'out-of-court'];

export interface DunningLevel {
  /** 1..n, consecutive. */
  level: number;
  /** Reached when the oldest unpaid overdue item is at least this many days past due. */
  daysOverdue: number;
  action: DunningAction;
}

/** The company's dunning policy: levels sorted by level, daysOverdue strictly increasing. */
export interface DunningPolicy {
  levels: readonly DunningLevel[];
  /** A case opens (and stays open) only while the overdue residual is at least this much. */
  minAmount: Cents;
}

export const DEFAULT_DUNNING_POLICY: DunningPolicy = Object.freeze({
  levels: Object.freeze([
    { level: 1, daysOverdue: 7, action: 'reminder' as const },
    { level: 2, daysOverdue: 21, action: 'formal-notice' as const },
    { level: 3, daysOverdue: 45, action: 'out-of-court' as const },
  ]),
  minAmount: 5000n,
});

export interface CompanyParameters {
  timeZone: string;
  includedComponents: Readonly<Record<ComponentName, boolean>>;
  billRiskDays: number;
  missingLimit: MissingLimitPolicy;
  riskClasses: Readonly<{ A: RiskClassBound; B: RiskClassBound; C: RiskClassBound }>;
  documentChecks: Readonly<Record<DocumentType, CheckSeverity>>;
  /** Multiplier of the credit-limit proposal per risk class (section 11). */
  limitProposalFactors: LimitProposalFactors;
  /** Collection cases and their levels (section 12). */
  dunning: DunningPolicy;
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
  dunning: DEFAULT_DUNNING_POLICY,
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
    // A policy is replaced whole: its levels only make sense together.
    dunning: stored.dunning ?? defaults.dunning,
  };
}

/** The dunning policy as JSON carries it (stored parameters, the API): money as a decimal string. */
export interface DunningPolicyWire {
  levels: DunningLevel[];
  minAmount: string;
}

/** Company parameters as JSON carries them: the only bigint, dunning.minAmount, becomes a money string. */
export type CompanyParametersWire = Omit<CompanyParameters, 'dunning'> & { dunning: DunningPolicyWire };

export const dunningPolicyToWire = (policy: DunningPolicy): DunningPolicyWire => ({
  levels: policy.levels.map(({ level, daysOverdue, action }) => ({ level, daysOverdue, action })),
  minAmount: formatMoney(policy.minAmount),
});

export const dunningPolicyFromWire = (wire: DunningPolicyWire): DunningPolicy => ({
  levels: wire.levels.map(({ level, daysOverdue, action }) => ({ level, daysOverdue, action })),
  minAmount: parseMoney(wire.minAmount),
});

export const parametersToWire = (parameters: CompanyParameters): CompanyParametersWire => ({
  ...parameters,
  dunning: dunningPolicyToWire(parameters.dunning),
});

/** The JSON the parameters are stored as (Redis, audit rows). */
export const parametersToJson = (parameters: CompanyParameters): string =>
  JSON.stringify(parametersToWire(parameters));

/**
 * Stored parameters from their JSON; a field missing from an older record stays
 * missing (withDefaults fills it).
 */
export function parametersFromJson(json: string): Partial<CompanyParameters> {
  const wire = JSON.parse(json) as Partial<CompanyParametersWire>;
  const { dunning, ...rest } = wire;
  return dunning === undefined ? rest : { ...rest, dunning: dunningPolicyFromWire(dunning) };
}
