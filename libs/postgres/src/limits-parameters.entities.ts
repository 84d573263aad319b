import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Audit trails written by the risk API (migration 1763800000010-limits-parameters).
 * Insert-only; `seq` orders the rows, newest first in the history endpoints.
 */

/** A credit limit as the API records it in an audit row (money as a decimal string). */
export interface AuditedCreditLimit {
  amount: string;
  mode: 'warn' | 'block';
  attentionThresholdPct: number;
  validUntil: string | null;
  /** null when the limit was only known from the engine's projection, which does not keep it. */
  blockOnOverdue: boolean | null;
  /** null when the limit was only known from the engine's projection, which does not keep it. */
  overdueToleranceDays: number | null;
}

@Entity({ name: 'credit_limit_change' })
export class CreditLimitChangeRow {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ type: 'varchar', length: 8 })
  action!: 'set' | 'removed';

  @Column({ type: 'jsonb', nullable: true })
  before!: AuditedCreditLimit | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: AuditedCreditLimit | null;

  @Column({ name: 'changed_by', type: 'varchar', length: 256 })
  changedBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;
}

@Entity({ name: 'company_parameters_change' })
export class CompanyParametersChangeRow {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  /** The effective parameters before the change (stored over the defaults). */
  @Column({ type: 'jsonb' })
  before!: Record<string, unknown>;

  /** The effective parameters after the change, as saved for the engine. */
  @Column({ type: 'jsonb' })
  after!: Record<string, unknown>;

  @Column({ name: 'changed_by', type: 'varchar', length: 256 })
  changedBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
