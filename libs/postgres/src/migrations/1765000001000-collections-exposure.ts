import { MigrationInterface, QueryRunner } from 'typeorm';
import { MONEY_SUM_COLUMN } from '../storage';

/**
 * What spec section 12 adds to a customer's exposure row (issue #18): the
 * customer's open collection case as the engine folded it (stage, dunning
 * level reached, overdue amount and oldest due date of the case, assignee)
 * and its latest promise to pay. All NULL while the customer has no case.
 * The worklist reads them per company.
 */
export class CollectionsExposure1765000001000 implements MigrationInterface {
  name = 'CollectionsExposure1765000001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE customer_exposure
        ADD COLUMN collection_case_id text,
        ADD COLUMN collection_stage text,
        ADD COLUMN dunning_level int,
        ADD COLUMN dunning_action text,
        ADD COLUMN dunning_level_reached_on date,
        ADD COLUMN collection_overdue_amount ${MONEY_SUM_COLUMN},
        ADD COLUMN collection_oldest_due_date date,
        ADD COLUMN collection_assignee text,
        ADD COLUMN promise_id text,
        ADD COLUMN promise_amount ${MONEY_SUM_COLUMN},
        ADD COLUMN promise_date date,
        ADD COLUMN promise_status text,
        ADD COLUMN promise_broken_on date`);
    await db.query(
      `CREATE INDEX customer_exposure_collection_case ON customer_exposure (company_id)
         WHERE collection_case_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS customer_exposure_collection_case`);
    await db.query(`
      ALTER TABLE customer_exposure
        DROP COLUMN collection_case_id, DROP COLUMN collection_stage, DROP COLUMN dunning_level,
        DROP COLUMN dunning_action, DROP COLUMN dunning_level_reached_on, DROP COLUMN collection_overdue_amount,
        DROP COLUMN collection_oldest_due_date, DROP COLUMN collection_assignee, DROP COLUMN promise_id,
        DROP COLUMN promise_amount, DROP COLUMN promise_date, DROP COLUMN promise_status,
        DROP COLUMN promise_broken_on`);
  }
}
