import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit trails of the risk API: every change of a customer's credit limit and
 * of a company's parameters, with who, when, why, before and after. Rows are
 * only ever inserted; `seq` orders them (newest first) where timestamps tie.
 */
export class LimitsParameters1763800000010 implements MigrationInterface {
  name = 'LimitsParameters1763800000010';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE credit_limit_change (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        action varchar(8) NOT NULL CHECK (action IN ('set', 'removed')),
        before jsonb,
        after jsonb,
        changed_by varchar(256) NOT NULL,
        reason text NOT NULL,
        changed_at timestamptz NOT NULL,
        event_id uuid NOT NULL UNIQUE
      )`);
    await db.query(
      `CREATE INDEX credit_limit_change_customer ON credit_limit_change (company_id, customer_id, seq DESC)`,
    );
    await db.query(`
      CREATE TABLE company_parameters_change (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        company_id varchar(32) NOT NULL,
        before jsonb NOT NULL,
        after jsonb NOT NULL,
        changed_by varchar(256) NOT NULL,
        reason text NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX company_parameters_change_company ON company_parameters_change (company_id, seq DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE company_parameters_change`);
    await db.query(`DROP TABLE credit_limit_change`);
  }
}
