import { MigrationInterface, QueryRunner } from 'typeorm';
import { MONEY_SUM_COLUMN } from '../storage';

/** Money columns that hold sums of input amounts (or a ratio of them), per table. */
const MONEY_SUM_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  customer_exposure: [
    'orders',
    'deliveries',
    'unposted_invoices',
    'receivables',
    'bills',
    'total',
    'overdue_amount',
    'limit_amount',
    'utilization_pct',
  ],
  exposure_document: ['amount'],
  open_item: ['amount', 'settled', 'residual'],
  settlement: ['amount'],
  dishonoured_bill: ['amount'],
  hold: ['amount', 'exposure_before', 'exposure_after', 'limit_amount', 'excess'],
};

/**
 * Storable by construction, quarantined when not:
 * - the projections' money columns widen from numeric(20,2) to numeric(1000,2): sums of many
 *   13-digit amounts, and utilisations against tiny limits, overflowed 18 integer digits and
 *   stopped the projector (raising the precision at the same scale rewrites no table);
 * - projection_quarantine lists the customers whose state the projector could not write, so
 *   that they are skipped instead of blocking every other customer (lifted when a later version
 *   of the customer is written).
 */
export class StorableProjections1765000000100 implements MigrationInterface {
  name = 'StorableProjections1765000000100';

  async up(db: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(MONEY_SUM_COLUMNS)) {
      await db.query(
        `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE ${MONEY_SUM_COLUMN}`).join(', ')}`,
      );
    }
    await db.query(`
      CREATE TABLE projection_quarantine (
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        state_version bigint,
        reason text NOT NULL,
        skipped_event_ids text[] NOT NULL DEFAULT '{}',
        occurrences integer NOT NULL DEFAULT 1,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        PRIMARY KEY (company_id, customer_id)
      )`);
    await db.query(`COMMENT ON COLUMN projection_quarantine.state_version IS
      'Newest state version that could not be written; NULL when only history events were skipped'`);
    await db.query(
      `CREATE INDEX projection_quarantine_recent ON projection_quarantine (company_id, last_seen DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE projection_quarantine`);
    for (const [table, columns] of Object.entries(MONEY_SUM_COLUMNS)) {
      await db.query(
        `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE numeric(20,2)`).join(', ')}`,
      );
    }
  }
}
