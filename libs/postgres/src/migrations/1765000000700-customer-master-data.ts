import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer's master data (erp.customers: name, VAT number, sales agent,
 * e-mail) on its exposure row, so every resource about a customer carries its
 * name and the board searches and filters by it. NULL until a customer.updated
 * has been folded. Text columns: the contract bounds the lengths, and a value
 * the projection cannot store must never stop the row.
 *
 * Name search is "contains, case-insensitive" (`ILIKE '%q%'`): a credit
 * controller types "rossi" for "Mario Rossi S.r.l.". A trigram GIN index serves
 * it when the pg_trgm extension can be created (it ships with PostgreSQL, but
 * creating it needs the right privileges); without it the search is a scan of
 * the company's rows, still fast for tens of thousands of customers.
 */
export class CustomerMasterData1765000000700 implements MigrationInterface {
  name = 'CustomerMasterData1765000000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE customer_exposure
        ADD COLUMN customer_name text,
        ADD COLUMN vat_number text,
        ADD COLUMN sales_agent_id text,
        ADD COLUMN customer_email text`);
    await db.query(
      `CREATE INDEX customer_exposure_sales_agent ON customer_exposure (company_id, sales_agent_id)`,
    );
    // A failed CREATE EXTENSION must not abort the migration's transaction: the
    // PL/pgSQL exception block runs it in a subtransaction.
    await db.query(`
      DO $$
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm not available (%): customer name search runs without an index', SQLERRM;
      END $$`);
    await db.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          CREATE INDEX customer_exposure_name_trgm ON customer_exposure
            USING gin (lower(customer_name) gin_trgm_ops);
        END IF;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS customer_exposure_name_trgm`);
    await db.query(`DROP INDEX IF EXISTS customer_exposure_sales_agent`);
    await db.query(`
      ALTER TABLE customer_exposure
        DROP COLUMN customer_name, DROP COLUMN vat_number, DROP COLUMN sales_agent_id, DROP COLUMN customer_email`);
  }
}
