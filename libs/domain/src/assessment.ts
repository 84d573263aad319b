import { BusinessDate } from './dates';
import { Components, components, total } from './components';
import { CreditLimit, CustomerDocuments } from './documents';
import { blockReasons, BlockReason, effectiveLimit, ExposureStatus, limitStatus } from './limit';
import { Cents, percentage } from './money';
import { openItems, overdueSummary, settlements } from './open-items';
import { CompanyParameters } from './parameters';
import { averageDaysLate, paymentBehaviour, RiskClass, riskClass } from './payment-behaviour';

/** Everything the contract says about one customer on one business date. */
export interface Assessment {
  businessDate: BusinessDate;
  components: Components;
  total: Cents;
  overdueAmount: Cents;
  oldestOverdueDays: number;
  overdueBreach: boolean;
  /** The limit as set (null when none), for display. */
  limit: CreditLimit | null;
  /** The amount compared with the total: 0 once expired, or by the missing-limit policy. */
  limitAmount: Cents | null;
  status: ExposureStatus;
  utilizationPct: string | null;
  blocked: boolean;
  blockReasons: BlockReason[];
  avgDaysLate: string;
  dishonouredBills12m: number;
  riskClass: RiskClass;
}

export function assess(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): Assessment {
  const parts = components(docs, businessDate, params);
  const exposure = total(parts, params);
  const limit = effectiveLimit(docs.limit, businessDate, params);
  const items = openItems(docs);
  const overdue = overdueSummary(items.values(), businessDate, limit?.overdueToleranceDays ?? 0);
  const status = limitStatus(exposure, limit);
  const reasons = blockReasons(status, limit, overdue.breach);
  const behaviour = paymentBehaviour(docs, items, settlements(docs), businessDate);
  return {
    businessDate,
    components: parts,
    total: exposure,
    overdueAmount: overdue.overdueAmount,
    oldestOverdueDays: overdue.oldestOverdueDays,
    overdueBreach: overdue.breach,
    limit: docs.limit,
    limitAmount: limit?.amount ?? null,
    status,
    utilizationPct: limit === null ? null : percentage(exposure, limit.amount),
    blocked: reasons.length > 0,
    blockReasons: reasons,
    avgDaysLate: averageDaysLate(behaviour),
    dishonouredBills12m: behaviour.dishonouredBills12m,
    riskClass: riskClass(behaviour, params),
  };
}
