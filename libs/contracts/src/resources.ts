/**
 * Shapes of the risk API's resources that the risk desk reads too. Types only,
 * with no imports: the desk's browser build imports this file as it is, so the
 * API and its page cannot drift apart.
 */

/** The exposure resource of the contract (spec section 9). */
export interface ExposureView {
  companyId: string;
  customerId: string;
  /** Master data from erp.customers: null until the customer's customer.updated has been folded. */
  customerName: string | null;
  vatNumber: string | null;
  salesAgentId: string | null;
  customerEmail: string | null;
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

/** What the desk's browsers receive of one output event: enough to patch a row, no more. */
export interface LiveEvent {
  eventId: string;
  type: string;
  companyId: string;
  customerId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}
