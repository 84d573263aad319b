import { BusinessDate } from './dates';
import { CreditLimit, ManualBlock } from './documents';
import { LimitMode } from './facts';
import { Cents, ZERO } from './money';
import { CompanyParameters } from './parameters';

export type ExposureStatus = 'NO_LIMIT' | 'OK' | 'WARNING' | 'EXCEEDED';
export type BlockReason = 'LIMIT_EXCEEDED' | 'LIMIT_EXPIRED' | 'OVERDUE' | 'MANUAL' | 'LEGAL';

/** The limit that applies on a date, after expiry, a temporary amount and the missing-limit policy. */
export interface EffectiveLimit {
  /** 0 once expired; the temporary amount through its date; else the amount set. */
  amount: Cents;
  mode: LimitMode;
  attentionThresholdPct: number;
  blockOnOverdue: boolean;
  overdueToleranceDays: number;
  expired: boolean;
}

export function effectiveLimit(
  limit: CreditLimit | null,
  businessDate: BusinessDate,
  params: CompanyParameters,
): EffectiveLimit | null {
  if (limit === null) {
    if (params.missingLimit === 'no-limit') return null;
    return {
      amount: ZERO,
      mode: params.missingLimit === 'zero-block' ? 'block' : 'warn',
      attentionThresholdPct: 100,
      blockOnOverdue: true,
      overdueToleranceDays: 0,
      expired: false,
    };
  }
  const expired = limit.validUntil !== null && limit.validUntil < businessDate;
  const amount = expired ? ZERO : (temporaryAmountOn(limit, businessDate) ?? limit.amount);
  return {
    amount,
    mode: limit.mode,
    attentionThresholdPct: limit.attentionThresholdPct,
    blockOnOverdue: limit.blockOnOverdue,
    overdueToleranceDays: limit.overdueToleranceDays,
    expired,
  };
}

/**
 * The temporary amount when it applies on `businessDate` (through temporaryUntil
 * included), else null: the base amount comes back by the clock, with no event.
 */
export function temporaryAmountOn(limit: CreditLimit, businessDate: BusinessDate): Cents | null {
  const { temporaryAmount, temporaryUntil } = limit;
  if (temporaryAmount == null || temporaryUntil == null) return null;
  return businessDate <= temporaryUntil ? temporaryAmount : null;
}

/** A manual block holds from when it is set until it is removed or, with `until`, through that date. */
export const manualBlockActive = (
  block: ManualBlock | null | undefined,
  businessDate: BusinessDate,
): boolean => block != null && (block.until === null || businessDate <= block.until);

/** EXCEEDED above the limit, WARNING from the attention threshold, on exact integers. */
export function limitStatus(total: Cents, limit: EffectiveLimit | null): ExposureStatus {
  if (limit === null) return 'NO_LIMIT';
  if (total > limit.amount) return 'EXCEEDED';
  if (total * 100n >= limit.amount * BigInt(limit.attentionThresholdPct)) return 'WARNING';
  return 'OK';
}

/**
 * Why the customer is blocked; empty when it is not. Warn mode never blocks on
 * the limit or overdue items; a manual block blocks whatever the limit mode,
 * even with no limit: a credit controller set it by hand for this customer;
 * so does a collection case in the legal or written-off stage (LEGAL).
 */
export function blockReasons(
  status: ExposureStatus,
  limit: EffectiveLimit | null,
  overdueBreach: boolean,
  manuallyBlocked = false,
  legal = false,
): BlockReason[] {
  const reasons: BlockReason[] = [];
  if (limit !== null && limit.mode === 'block') {
    if (status === 'EXCEEDED') reasons.push('LIMIT_EXCEEDED');
    if (limit.expired) reasons.push('LIMIT_EXPIRED');
    if (limit.blockOnOverdue && overdueBreach) reasons.push('OVERDUE');
  }
  if (manuallyBlocked) reasons.push('MANUAL');
  if (legal) reasons.push('LEGAL');
  return reasons;
}
