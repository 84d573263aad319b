import { CustomerRecord, formatMoney } from '@credit/domain';
import { CustomerExposureRow } from '@credit/postgres';
import type { ExposureView } from '@credit/contracts';

export type { ExposureView };

export function exposureView(row: CustomerExposureRow): ExposureView {
  return {
    companyId: row.companyId,
    customerId: row.customerId,
    customerName: row.customerName ?? null,
    vatNumber: row.vatNumber ?? null,
    salesAgentId: row.salesAgentId ?? null,
    customerEmail: row.customerEmail ?? null,
    components: {
      orders: row.orders,
      deliveries: row.deliveries,
      unpostedInvoices: row.unpostedInvoices,
      receivables: row.receivables,
      bills: row.bills,
    },
    total: row.total,
    overdueAmount: row.overdueAmount,
    oldestOverdueDays: row.oldestOverdueDays,
    limit:
      row.limitAmount === null || row.limitMode === null
        ? null
        : {
            amount: row.limitAmount,
            mode: row.limitMode,
            attentionThresholdPct: row.attentionThresholdPct ?? 80,
            validUntil: row.validUntil,
            temporaryAmount: row.limitTemporaryAmount ?? null,
            temporaryUntil: row.limitTemporaryUntil ?? null,
            // Rows projected before issue #17 lack it: the base amount was the one in effect.
            effectiveAmount: row.limitEffectiveAmount ?? row.limitAmount,
          },
    creditClass:
      row.creditClass == null
        ? null
        : {
            code: row.creditClass,
            maxPaymentTermsDays: row.maxPaymentTermsDays ?? 0,
            maxDocumentAmount: row.maxDocumentAmount ?? null,
          },
    manualBlock:
      row.manualBlockReason == null
        ? null
        : { reason: row.manualBlockReason, until: row.manualBlockUntil ?? null },
    reviewDueOn: row.reviewDueOn ?? null,
    status: row.status,
    blocked: row.blocked,
    blockReasons: row.blockReasons,
    utilizationPct: row.utilizationPct,
    riskClass: row.riskClass,
    avgDaysLate: row.avgDaysLate,
    dishonouredBills12m: row.dishonouredBills12m,
    businessDate: row.businessDate,
    asOf: row.asOf.toISOString(),
  };
}

/**
 * The same resource from the engine's live state in Redis, for when the
 * projection cannot be read (Postgres away): null when the record has never
 * been assessed.
 */
export function exposureViewOfRecord(record: CustomerRecord, asOf: Date): ExposureView | null {
  const a = record.assessment;
  if (a === null) return null;
  const profile = record.documents.profile;
  return {
    companyId: record.companyId,
    customerId: record.customerId,
    customerName: profile?.name ?? null,
    vatNumber: profile?.vatNumber ?? null,
    salesAgentId: profile?.salesAgentId ?? null,
    customerEmail: profile?.email ?? null,
    components: {
      orders: formatMoney(a.components.orders),
      deliveries: formatMoney(a.components.deliveries),
      unpostedInvoices: formatMoney(a.components.unpostedInvoices),
      receivables: formatMoney(a.components.receivables),
      bills: formatMoney(a.components.bills),
    },
    total: formatMoney(a.total),
    overdueAmount: formatMoney(a.overdueAmount),
    oldestOverdueDays: a.oldestOverdueDays,
    limit:
      a.limit === null
        ? null
        : {
            amount: formatMoney(a.limit.amount),
            mode: a.limit.mode,
            attentionThresholdPct: a.limit.attentionThresholdPct,
            validUntil: a.limit.validUntil,
            temporaryAmount: a.limit.temporaryAmount == null ? null : formatMoney(a.limit.temporaryAmount),
            temporaryUntil: a.limit.temporaryUntil ?? null,
            effectiveAmount: formatMoney(a.limitAmount ?? a.limit.amount),
          },
    // Assessments stored before issue #17 lack the three below.
    creditClass:
      a.creditClass == null
        ? null
        : {
            code: a.creditClass.code,
            maxPaymentTermsDays: a.creditClass.maxPaymentTermsDays,
            maxDocumentAmount:
              a.creditClass.maxDocumentAmount === null ? null : formatMoney(a.creditClass.maxDocumentAmount),
          },
    manualBlock: a.manualBlock ?? null,
    reviewDueOn: a.reviewDueOn ?? null,
    status: a.status,
    blocked: a.blocked,
    blockReasons: a.blockReasons,
    utilizationPct: a.utilizationPct,
    riskClass: a.riskClass,
    avgDaysLate: a.avgDaysLate,
    dishonouredBills12m: a.dishonouredBills12m,
    businessDate: a.businessDate,
    asOf: asOf.toISOString(),
  };
}
