import { CustomerExposureRow } from '@credit/postgres';

/** The exposure resource of the contract (spec section 9). */
export interface ExposureView {
  companyId: string;
  customerId: string;
  components: {
    orders: string;
    deliveries: string;
    unpostedInvoices: string;
    receivables: string;
    bills: string;
  };
  total: string;
  overdueAmount: string;
  oldestOverdueDays: number;
  limit: {
    amount: string;
    mode: 'warn' | 'block';
    attentionThresholdPct: number;
    validUntil: string | null;
  } | null;
  status: 'NO_LIMIT' | 'OK' | 'WARNING' | 'EXCEEDED';
  blocked: boolean;
  blockReasons: string[];
  utilizationPct: string | null;
  riskClass: 'A' | 'B' | 'C' | 'D';
  avgDaysLate: string;
  dishonouredBills12m: number;
  businessDate: string;
  asOf: string;
}

export function exposureView(row: CustomerExposureRow): ExposureView {
  return {
    companyId: row.companyId,
    customerId: row.customerId,
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
          },
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
