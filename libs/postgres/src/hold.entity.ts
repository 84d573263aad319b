import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MONEY_SCALE, MONEY_SUM_PRECISION } from './storage';

export type HoldStatus = 'pending' | 'released' | 'rejected';
export type HoldSource = 'api' | 'event';
/** Why a document is held: every document reason but ATTENTION_THRESHOLD, which only warns. */
export const HOLD_REASONS = [
  'LIMIT_EXCEEDED',
  'LIMIT_EXPIRED',
  'OVERDUE',
  'MANUAL',
  'PAYMENT_TERMS_EXCEEDED',
  'DOCUMENT_AMOUNT_EXCEEDED',
  'LEGAL',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/**
 * A held document waiting for a decision (migration 1763800000020-holds).
 * Money columns are numeric, read as strings with two decimals.
 */
@Entity({ name: 'hold' })
export class HoldRow {
  @PrimaryColumn({ name: 'hold_id', type: 'uuid' })
  holdId!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ name: 'document_type', type: 'varchar', length: 16 })
  documentType!: 'order' | 'delivery' | 'invoice';

  @Column({ name: 'document_id', type: 'varchar', length: 128 })
  documentId!: string;

  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  amount!: string;

  @Column({ name: 'exposure_before', type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  exposureBefore!: string;

  @Column({ name: 'exposure_after', type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  exposureAfter!: string;

  /** The effective limit when the document was held (0 once expired); null without one. */
  @Column({
    name: 'limit_amount',
    type: 'numeric',
    precision: MONEY_SUM_PRECISION,
    scale: MONEY_SCALE,
    nullable: true,
  })
  limitAmount!: string | null;

  /** max(0, exposure_after - limit). */
  @Column({ type: 'numeric', precision: MONEY_SUM_PRECISION, scale: MONEY_SCALE })
  excess!: string;

  @Column({ type: 'text', array: true })
  reasons!: HoldReason[];

  @Column({ name: 'requested_by', type: 'varchar', length: 128, nullable: true })
  requestedBy!: string | null;

  /** The authenticated caller that sent the check; null for document.checkRequested. */
  @Column({ name: 'sent_by', type: 'varchar', length: 128, nullable: true })
  sentBy!: string | null;

  @Column({ type: 'varchar', length: 8 })
  source!: HoldSource;

  /** The API request id or the document.checkRequested eventId that caused the hold. */
  @Column({ name: 'causation_id', type: 'varchar', length: 160 })
  causationId!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: HoldStatus;

  @Column({ name: 'decided_by', type: 'varchar', length: 128, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
