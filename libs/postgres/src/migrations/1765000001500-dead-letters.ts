import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters as operators see them: `dead_letter` is the projection of the
 * dead-letter topic (one row per rejected input, keyed by its deterministic
 * eventId, so reading the topic again is harmless), with the original bytes;
 * `dead_letter_redrive` is the trail of each re-drive: who sent which corrected
 * copy, when, and under which new eventId. A dead letter is re-driven at most
 * once (its primary key), so a retried request never publishes twice.
 */
export class DeadLetters1765000001500 implements MigrationInterface {
  name = 'DeadLetters1765000001500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dead_letter (
        event_id varchar(64) PRIMARY KEY,
        reason varchar(32) NOT NULL,
        field text,
        message text NOT NULL,
        source_topic varchar(249) NOT NULL,
        source_partition int NOT NULL,
        source_offset bigint NOT NULL,
        source_key bytea,
        source_timestamp varchar(20),
        original bytea,
        company_id varchar(32),
        customer_id varchar(64),
        event_type varchar(64),
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX dead_letter_reason ON dead_letter (reason, occurred_at DESC)`);
    await db.query(`CREATE INDEX dead_letter_topic ON dead_letter (source_topic, occurred_at DESC)`);
    await db.query(`CREATE INDEX dead_letter_occurred ON dead_letter (occurred_at DESC, event_id)`);
    await db.query(`
      CREATE TABLE dead_letter_redrive (
        dead_letter_event_id varchar(64) PRIMARY KEY REFERENCES dead_letter (event_id),
        new_event_id varchar(64) NOT NULL UNIQUE,
        topic varchar(249) NOT NULL,
        message_key text NOT NULL,
        value text NOT NULL,
        reason text NOT NULL,
        redriven_by varchar(256) NOT NULL,
        redriven_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE dead_letter_redrive`);
    await db.query(`DROP TABLE dead_letter`);
  }
}
