import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { MONEY_SCALE, MONEY_SUM_PRECISION } from './storage';

/**
 * The reporting projections behind customer_exposure (migration
 * 1763800000001-reporting). Money columns are numeric, read as strings; dates
 * are `YYYY-MM-DD` strings.
 */

/** One document behind one exposure component, with what it contributes. */
@Entity({ name: 'exposure_document' })
export class ExposureDocumentRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  component!: 'orders' | 'deliveries' | 'unpostedInvoices' | 'receivables' | 'bills';

  @PrimaryColumn({ name: 'document_id', type: 'varchar', length: 160 })
  documentId!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  amount!: string;

  /** Kind, dates, instrument, status... per component (money as decimal strings). */
  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @Column({ name: 'state_version', type: 'bigint' })
  stateVersion!: string;
}

@Entity({ name: 'open_item' })
export class OpenItemRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @PrimaryColumn({ name: 'open_item_id', type: 'varchar', length: 128 })
  openItemId!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  amount!: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  settled!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  residual!: string;

  @Column({ name: 'state_version', type: 'bigint' })
  stateVersion!: string;
}

/** What one journal entry settled of one open item. */
@Entity({ name: 'settlement' })
export class SettlementRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @PrimaryColumn({ name: 'entry_id', type: 'varchar', length: 128 })
  entryId!: string;

  @PrimaryColumn({ name: 'open_item_id', type: 'varchar', length: 128 })
  openItemId!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  amount!: string;

  @Column({ name: 'settlement_date', type: 'date' })
  settlementDate!: string;

  /** null while the settled item has not been seen. */
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate!: string | null;

  /** settlement date - due date; negative when paid early. */
  @Column({ name: 'days_late', type: 'integer', nullable: true })
  daysLate!: number | null;

  @Column({ name: 'state_version', type: 'bigint' })
  stateVersion!: string;
}

@Entity({ name: 'dishonoured_bill' })
export class DishonouredBillRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @PrimaryColumn({ name: 'bill_id', type: 'varchar', length: 128 })
  billId!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  amount!: string;

  @Column({ name: 'dishonoured_on', type: 'date', nullable: true })
  dishonouredOn!: string | null;

  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  instrument!: string | null;

  @Column({ name: 'state_version', type: 'bigint' })
  stateVersion!: string;
}

/** Every event published for a customer (risk.breaches and risk.blocks), kept as history. */
@Entity({ name: 'exposure_event' })
@Index('exposure_event_customer', ['companyId', 'customerId', 'sequence'])
export class ExposureEventRow {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ name: 'causation_id', type: 'varchar', length: 256 })
  causationId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
