import { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerExposure1763800000000 implements MigrationInterface {
  name = 'CustomerExposure1763800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customer_exposure (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        orders numeric(20,2) NOT NULL,
        deliveries numeric(20,2) NOT NULL,
        unposted_invoices numeric(20,2) NOT NULL,
        receivables numeric(20,2) NOT NULL,
        bills numeric(20,2) NOT NULL,
        total numeric(20,2) NOT NULL,
        overdue_amount numeric(20,2) NOT NULL,
        oldest_overdue_days integer NOT NULL,
        limit_amount numeric(20,2),
        limit_mode varchar(8),
        attention_threshold_pct integer,
        valid_until date,
        status varchar(16) NOT NULL,
        utilization_pct numeric(20,2),
        blocked boolean NOT NULL,
        block_reasons text[] NOT NULL,
        risk_class char(1) NOT NULL,
        avg_days_late numeric(12,2) NOT NULL,
        dishonoured_bills_12m integer NOT NULL,
        business_date date NOT NULL,
        state_version bigint NOT NULL,
        as_of timestamptz NOT NULL,
        PRIMARY KEY (company_id, customer_id)
      )`);
    await db.query(`CREATE INDEX customer_exposure_status ON customer_exposure (company_id, status)`);
    await db.query(`CREATE INDEX customer_exposure_blocked ON customer_exposure (company_id) WHERE blocked`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE customer_exposure`);
  }
}
