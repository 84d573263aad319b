import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Before the sale (spec section 11): credit classes and their assignment to
 * customers, manual blocks, four-eyes credit-limit requests, and the limit
 * authority of approval roles. Every change is audited in an insert-only
 * `*_change` table (who, when, why, before and after, the event published).
 *
 * approval_role.max_limit: the largest credit limit the role's holders may set
 * or approve; NULL = unlimited. Existing roles get 0.00: limit authority was
 * never granted by them, so it must be granted explicitly.
 */
export class CreditGovernance1765000000900 implements MigrationInterface {
  name = 'CreditGovernance1765000000900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE credit_class (
        company_id varchar(32) NOT NULL,
        code varchar(32) NOT NULL,
        description text NOT NULL,
        max_payment_terms_days int NOT NULL,
        max_document_amount numeric(15, 2),
        review_every_days int,
        created_by varchar(256) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(256) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, code)
      )`);
    await db.query(`
      CREATE TABLE customer_credit_class (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        code varchar(32) NOT NULL,
        reason text NOT NULL,
        assigned_by varchar(256) NOT NULL,
        assigned_at timestamptz NOT NULL,
        PRIMARY KEY (company_id, customer_id),
        FOREIGN KEY (company_id, code) REFERENCES credit_class (company_id, code) ON DELETE RESTRICT
      )`);
    await db.query(`CREATE INDEX customer_credit_class_code ON customer_credit_class (company_id, code)`);
    await db.query(`
      CREATE TABLE credit_class_change (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64),
        code varchar(32) NOT NULL,
        action varchar(16) NOT NULL
          CHECK (action IN ('class.created', 'class.updated', 'class.deleted', 'assigned')),
        before jsonb,
        after jsonb,
        changed_by varchar(256) NOT NULL,
        reason text,
        changed_at timestamptz NOT NULL DEFAULT now(),
        event_id uuid
      )`);
    await db.query(`CREATE INDEX credit_class_change_company ON credit_class_change (company_id, seq DESC)`);
    await db.query(`
      CREATE TABLE manual_block (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        reason text NOT NULL,
        until date,
        set_by varchar(256) NOT NULL,
        set_at timestamptz NOT NULL,
        PRIMARY KEY (company_id, customer_id)
      )`);
    await db.query(`
      CREATE TABLE manual_block_change (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        action varchar(8) NOT NULL CHECK (action IN ('set', 'removed')),
        before jsonb,
        after jsonb,
        changed_by varchar(256) NOT NULL,
        reason text,
        changed_at timestamptz NOT NULL,
        event_id uuid NOT NULL UNIQUE
      )`);
    await db.query(
      `CREATE INDEX manual_block_change_customer ON manual_block_change (company_id, customer_id, seq DESC)`,
    );
    await db.query(`
      CREATE TABLE credit_limit_request (
        request_id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        terms jsonb NOT NULL,
        amount numeric(15, 2) NOT NULL,
        temporary_amount numeric(15, 2),
        reason text NOT NULL,
        status varchar(8) NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        requested_by varchar(256) NOT NULL,
        requested_at timestamptz NOT NULL,
        decided_by varchar(256),
        decided_at timestamptz,
        decision_reason text,
        decided_with jsonb,
        change_id uuid
      )`);
    await db.query(
      `CREATE INDEX credit_limit_request_company ON credit_limit_request (company_id, status, seq DESC)`,
    );
    await db.query(
      `CREATE INDEX credit_limit_request_customer ON credit_limit_request (company_id, customer_id, seq DESC)`,
    );
    await db.query(`ALTER TABLE approval_role ADD COLUMN max_limit numeric(15, 2) DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE approval_role DROP COLUMN max_limit`);
    await db.query(`DROP TABLE credit_limit_request`);
    await db.query(`DROP TABLE manual_block_change`);
    await db.query(`DROP TABLE manual_block`);
    await db.query(`DROP TABLE credit_class_change`);
    await db.query(`DROP TABLE customer_credit_class`);
    await db.query(`DROP TABLE credit_class`);
  }
}
