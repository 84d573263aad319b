import { MigrationInterface, QueryRunner } from 'typeorm';
import { MONEY_SUM_COLUMN } from '../storage';

/**
 * Collection actions (spec section 12): the calls, notes, promises to pay,
 * stage changes and assignments recorded on a customer's collection case.
 * Insert-only: a row is the audit of the action and the event it queued
 * (collectionAction.recorded on risk.credit-limits, eventId = action_id).
 * Notes and calls are the extra-accounting records: they never touch the
 * exposure. case_id is the case projected when the action was recorded (NULL:
 * the customer had none).
 */
export class CollectionActions1765000001100 implements MigrationInterface {
  name = 'CollectionActions1765000001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE collection_action (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        action_id uuid PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        case_id text,
        action_type varchar(16) NOT NULL
          CHECK (action_type IN ('call', 'note', 'promise', 'stage', 'assign')),
        text text NOT NULL,
        promise_amount ${MONEY_SUM_COLUMN},
        promise_date date,
        stage varchar(16) CHECK (stage IN ('legal', 'written-off')),
        assignee varchar(128),
        recorded_by varchar(256) NOT NULL,
        recorded_at timestamptz NOT NULL,
        CHECK ((action_type = 'promise') = (promise_amount IS NOT NULL AND promise_date IS NOT NULL)),
        CHECK ((action_type = 'stage') = (stage IS NOT NULL)),
        CHECK (action_type <> 'assign' OR assignee IS NOT NULL)
      )`);
    // The case history of a customer, newest first.
    await db.query(
      `CREATE INDEX collection_action_customer ON collection_action (company_id, customer_id, seq DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS collection_action`);
  }
}
