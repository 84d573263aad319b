import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** An approval role: authority to release holds by exception (migration 1763800000030). */
@Entity({ name: 'approval_role' })
export class ApprovalRoleRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  /** Largest excess over the limit its holders may release; null = unlimited. */
  @Column({ name: 'max_excess', type: 'numeric', precision: 20, scale: 2, nullable: true })
  maxExcess!: string | null;

  @Column({ name: 'may_release_overdue', type: 'boolean' })
  mayReleaseOverdue!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 128 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 128 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A user (token subject) holding an approval role in a company. */
@Entity({ name: 'approval_role_member' })
export class ApprovalRoleMemberRow {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @PrimaryColumn({ name: 'user_subject', type: 'varchar', length: 128 })
  userSubject!: string;

  @PrimaryColumn({ name: 'role_name', type: 'varchar', length: 64 })
  roleName!: string;

  @Column({ name: 'assigned_by', type: 'varchar', length: 128 })
  assignedBy!: string;

  @Column({ name: 'assigned_at', type: 'timestamptz' })
  assignedAt!: Date;
}

/** Audit of changes to approval roles and their members. */
@Entity({ name: 'authority_change' })
export class AuthorityChangeRow {
  @PrimaryGeneratedColumn({ name: 'change_id', type: 'bigint' })
  changeId!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @Column({ name: 'changed_by', type: 'varchar', length: 128 })
  changedBy!: string;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;

  @Column({ type: 'varchar', length: 32 })
  action!: 'role.created' | 'role.updated' | 'role.deleted' | 'member.added' | 'member.removed';

  @Column({ name: 'role_name', type: 'varchar', length: 64 })
  roleName!: string;

  @Column({ name: 'user_subject', type: 'varchar', length: 128, nullable: true })
  userSubject!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;
}

/** Audit of one decision on a hold (at most one per hold). */
@Entity({ name: 'hold_decision' })
export class HoldDecisionRow {
  @PrimaryGeneratedColumn({ name: 'decision_id', type: 'bigint' })
  decisionId!: string;

  @Column({ name: 'hold_id', type: 'uuid' })
  holdId!: string;

  @Column({ name: 'company_id', type: 'varchar', length: 32 })
  companyId!: string;

  @Column({ type: 'varchar', length: 16 })
  decision!: 'released' | 'rejected';

  @Column({ name: 'decided_by', type: 'varchar', length: 128 })
  decidedBy!: string;

  @Column({ type: 'text' })
  reason!: string;

  /** The approval roles the decider held, the authority they gave and what the hold required. */
  @Column({ type: 'jsonb' })
  authority!: unknown;

  @Column({ name: 'request_id', type: 'varchar', length: 160 })
  requestId!: string;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;
}
