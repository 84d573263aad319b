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
    /** The amount as set (the base amount when a temporary one applies). */
    amount: string;
    mode: 'warn' | 'block';
    attentionThresholdPct: number;
    validUntil: string | null;
    /** Both or neither: the amount that applies instead of `amount` through temporaryUntil. */
    temporaryAmount: string | null;
    temporaryUntil: string | null;
    /** The amount compared with the total on businessDate: 0 once expired, the temporary one through its date. */
    effectiveAmount: string;
  } | null;
  /** The credit class and its terms (spec section 11); null without one. */
  creditClass: {
    code: string;
    maxPaymentTermsDays: number;
    /** null: no maximum. */
    maxDocumentAmount: string | null;
  } | null;
  /** The manual block while active (blockReasons then holds MANUAL); null otherwise. */
  manualBlock: { reason: string; until: string | null } | null;
  /** When the customer is due for a credit review; null without a class with reviewEveryDays. */
  reviewDueOn: string | null;
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
