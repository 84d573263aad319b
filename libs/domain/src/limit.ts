import { BusinessDate } from './dates';
import { CreditLimit } from './documents';
import { LimitMode } from './facts';
import { Cents, ZERO } from './money';
import { CompanyParameters } from './parameters';

export type ExposureStatus = 'NO_LIMIT' | 'OK' | 'WARNING' | 'EXCEEDED';
export type BlockReason = 'LIMIT_EXCEEDED' | 'LIMIT_EXPIRED' | 'OVERDUE';

/** The limit that applies on a date, after expiry and the missing-limit policy. */
export interface EffectiveLimit {
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
  return { ...limit, amount: expired ? ZERO : limit.amount, expired };
}

/** EXCEEDED above the limit, WARNING from the attention threshold, on exact integers. */
export function limitStatus(total: Cents, limit: EffectiveLimit | null): ExposureStatus {
  if (limit === null) return 'NO_LIMIT';
  if (total > limit.amount) return 'EXCEEDED';
  if (total * 100n >= limit.amount * BigInt(limit.attentionThresholdPct)) return 'WARNING';
  return 'OK';
}

/** Why the customer is blocked; empty when it is not (warn mode never blocks). */
export function blockReasons(
  status: ExposureStatus,
  limit: EffectiveLimit | null,
  overdueBreach: boolean,
): BlockReason[] {
  if (limit === null || limit.mode !== 'block') return [];
  const reasons: BlockReason[] = [];
  if (status === 'EXCEEDED') reasons.push('LIMIT_EXCEEDED');
  if (limit.expired) reasons.push('LIMIT_EXPIRED');
  if (limit.blockOnOverdue && overdueBreach) reasons.push('OVERDUE');
  return reasons;
}
