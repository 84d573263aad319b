import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporting projections behind customer_exposure: the documents of each
 * component, open items, settlements, dishonoured bills, and the history of
 * every event published. All but exposure_event are replaced per customer
 * whenever its customer_exposure row moves forward.
 */
export class Reporting1763800000001 implements MigrationInterface {
  name = 'Reporting1763800000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE exposure_document (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        component varchar(16) NOT NULL,
        document_id varchar(160) NOT NULL,
        amount numeric(20,2) NOT NULL,
        details jsonb NOT NULL,
        state_version bigint NOT NULL,
        PRIMARY KEY (company_id, customer_id, component, document_id)
      )`);
    await db.query(`
      CREATE TABLE open_item (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        open_item_id varchar(128) NOT NULL,
        amount numeric(20,2) NOT NULL,
        due_date date NOT NULL,
        settled numeric(20,2) NOT NULL,
        residual numeric(20,2) NOT NULL,
        state_version bigint NOT NULL,
        PRIMARY KEY (company_id, customer_id, open_item_id)
      )`);
    await db.query(`CREATE INDEX open_item_due ON open_item (company_id, due_date) WHERE residual > 0`);
    await db.query(`
      CREATE TABLE settlement (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        entry_id varchar(128) NOT NULL,
        open_item_id varchar(128) NOT NULL,
        amount numeric(20,2) NOT NULL,
        settlement_date date NOT NULL,
        due_date date,
        days_late integer,
        state_version bigint NOT NULL,
        PRIMARY KEY (company_id, customer_id, entry_id, open_item_id)
      )`);
    await db.query(`
      CREATE TABLE dishonoured_bill (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        bill_id varchar(128) NOT NULL,
        amount numeric(20,2) NOT NULL,
        dishonoured_on date,
        due_date date,
        instrument varchar(32),
        state_version bigint NOT NULL,
        PRIMARY KEY (company_id, customer_id, bill_id)
      )`);
    await db.query(`
      CREATE TABLE exposure_event (
        event_id varchar(128) PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        type varchar(64) NOT NULL,
        sequence bigint NOT NULL,
        causation_id varchar(256) NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL
      )`);
    await db.query(
      `CREATE INDEX exposure_event_customer ON exposure_event (company_id, customer_id, sequence)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE exposure_event`);
    await db.query(`DROP TABLE dishonoured_bill`);
    await db.query(`DROP TABLE settlement`);
    await db.query(`DROP TABLE open_item`);
    await db.query(`DROP TABLE exposure_document`);
  }
}
