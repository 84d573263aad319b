import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval roles (authority to release holds by exception), who holds them, the
 * audit of changes to both, and the audit of every hold decision. Relies on the
 * `hold` table of migration 1763800000020.
 */
export class Approvals1763800000030 implements MigrationInterface {
  name = 'Approvals1763800000030';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE approval_role (
        company_id varchar(32) NOT NULL,
        name varchar(64) NOT NULL,
        max_excess numeric(20,2) CHECK (max_excess IS NULL OR max_excess >= 0),
        may_release_overdue boolean NOT NULL DEFAULT false,
        created_by varchar(128) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(128) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, name)
      )`);
    await db.query(`COMMENT ON COLUMN approval_role.max_excess IS
      'Largest excess over the limit a holder may release; NULL = unlimited'`);
    await db.query(`
      CREATE TABLE approval_role_member (
        company_id varchar(32) NOT NULL,
        user_subject varchar(128) NOT NULL,
        role_name varchar(64) NOT NULL,
        assigned_by varchar(128) NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, user_subject, role_name),
        CONSTRAINT approval_role_member_role FOREIGN KEY (company_id, role_name)
          REFERENCES approval_role (company_id, name)
      )`);
    await db.query(
      `CREATE INDEX approval_role_member_by_role ON approval_role_member (company_id, role_name, user_subject)`,
    );
    await db.query(`
      CREATE TABLE authority_change (
        change_id bigserial PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        changed_by varchar(128) NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        action varchar(32) NOT NULL CHECK (action IN
          ('role.created', 'role.updated', 'role.deleted', 'member.added', 'member.removed')),
        role_name varchar(64) NOT NULL,
        user_subject varchar(128),
        before jsonb,
        after jsonb
      )`);
    await db.query(
      `CREATE INDEX authority_change_by_company ON authority_change (company_id, change_id DESC)`,
    );
    await db.query(`
      CREATE TABLE hold_decision (
        decision_id bigserial PRIMARY KEY,
        hold_id uuid NOT NULL REFERENCES hold (hold_id),
        company_id varchar(32) NOT NULL,
        decision varchar(16) NOT NULL CHECK (decision IN ('released', 'rejected')),
        decided_by varchar(128) NOT NULL,
        reason text NOT NULL,
        authority jsonb NOT NULL,
        request_id varchar(160) NOT NULL,
        decided_at timestamptz NOT NULL,
        CONSTRAINT hold_decision_once UNIQUE (hold_id)
      )`);
    await db.query(`CREATE INDEX hold_decision_by_company ON hold_decision (company_id, decided_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE hold_decision`);
    await db.query(`DROP TABLE authority_change`);
    await db.query(`DROP TABLE approval_role_member`);
    await db.query(`DROP TABLE approval_role`);
  }
}
