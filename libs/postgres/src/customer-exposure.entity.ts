import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MONEY_SCALE, MONEY_SUM_PRECISION } from './storage';

/** The reporting projection of one customer's exposure; money columns are numeric, read as strings. */
@Entity({ name: 'customer_exposure' })
export class CustomerExposureRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  orders!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  deliveries!: string;

  @Column({ name: 'unposted_invoices', type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  unpostedInvoices!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  receivables!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  bills!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  total!: string;

  @Column({ name: 'overdue_amount', type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  overdueAmount!: string;

  @Column({ name: 'oldest_overdue_days', type: 'integer' })
  oldestOverdueDays!: number;

  @Column({
    name: 'limit_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  limitAmount!: string | null;

  @Column({ name: 'limit_mode', type: 'varchar', length: 8, nullable: true })
  limitMode!: 'warn' | 'block' | null;

  @Column({ name: 'attention_threshold_pct', type: 'integer', nullable: true })
  attentionThresholdPct!: number | null;

  @Column({ name: 'valid_until', type: 'date', nullable: true })
  validUntil!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: 'NO_LIMIT' | 'OK' | 'WARNING' | 'EXCEEDED';

  @Column({
    name: 'utilization_pct',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  utilizationPct!: string | null;

  @Column({ type: 'boolean' })
  blocked!: boolean;

  @Column({ name: 'block_reasons', type: 'text', array: true })
  blockReasons!: string[];

  @Column({ name: 'risk_class', type: 'char', length: 1 })
  riskClass!: 'A' | 'B' | 'C' | 'D';

  @Column({ name: 'avg_days_late', type: 'numeric', precision: 12, scale: 2 })
  avgDaysLate!: string;

  @Column({ name: 'dishonoured_bills_12m', type: 'integer' })
  dishonouredBills12m!: number;

  @Column({ name: 'business_date', type: 'date' })
  businessDate!: string;

  @Column({ name: 'state_version', type: 'bigint' })
  stateVersion!: string;

  @Column({ name: 'as_of', type: 'timestamptz' })
  asOf!: Date;

  /** Master data from erp.customers; null until a customer.updated has been folded. */
  @Column({ name: 'customer_name', type: 'text', nullable: true })
  customerName!: string | null;

  @Column({ name: 'vat_number', type: 'text', nullable: true })
  vatNumber!: string | null;

  @Column({ name: 'sales_agent_id', type: 'text', nullable: true })
  salesAgentId!: string | null;

  @Column({ name: 'customer_email', type: 'text', nullable: true })
  customerEmail!: string | null;

  /** The temporary amount of the limit and its last day; null when none. */
  @Column({
    name: 'limit_temporary_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  limitTemporaryAmount!: string | null;

  @Column({ name: 'limit_temporary_until', type: 'date', nullable: true })
  limitTemporaryUntil!: string | null;

  /** The amount compared with the total on the business date: 0 once expired, the temporary one through its date. */
  @Column({
    name: 'limit_effective_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  limitEffectiveAmount!: string | null;

  /** The credit class code and its terms as folded; null without a class. */
  @Column({ name: 'credit_class', type: 'text', nullable: true })
  creditClass!: string | null;

  @Column({ name: 'max_payment_terms_days', type: 'integer', nullable: true })
  maxPaymentTermsDays!: number | null;

  @Column({
    name: 'max_document_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  maxDocumentAmount!: string | null;

  /** The manual block while active; null otherwise. */
  @Column({ name: 'manual_block_reason', type: 'text', nullable: true })
  manualBlockReason!: string | null;

  @Column({ name: 'manual_block_until', type: 'date', nullable: true })
  manualBlockUntil!: string | null;

  @Column({ name: 'review_due_on', type: 'date', nullable: true })
  reviewDueOn!: string | null;

  /** The open collection case (spec 12) and its latest promise; all null while there is none. */
  @Column({ name: 'collection_case_id', type: 'text', nullable: true })
  collectionCaseId!: string | null;

  @Column({ name: 'collection_stage', type: 'text', nullable: true })
  collectionStage!: string | null;

  @Column({ name: 'dunning_level', type: 'integer', nullable: true })
  dunningLevel!: number | null;

  @Column({ name: 'dunning_action', type: 'text', nullable: true })
  dunningAction!: string | null;

  @Column({ name: 'dunning_level_reached_on', type: 'date', nullable: true })
  dunningLevelReachedOn!: string | null;

  @Column({
    name: 'collection_overdue_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  collectionOverdueAmount!: string | null;

  @Column({ name: 'collection_oldest_due_date', type: 'date', nullable: true })
  collectionOldestDueDate!: string | null;

  @Column({ name: 'collection_assignee', type: 'text', nullable: true })
  collectionAssignee!: string | null;

  @Column({ name: 'promise_id', type: 'text', nullable: true })
  promiseId!: string | null;

  @Column({
    name: 'promise_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  promiseAmount!: string | null;

  @Column({ name: 'promise_date', type: 'date', nullable: true })
  promiseDate!: string | null;

  @Column({ name: 'promise_status', type: 'text', nullable: true })
  promiseStatus!: string | null;

  @Column({ name: 'promise_broken_on', type: 'date', nullable: true })
  promiseBrokenOn!: string | null;
}
