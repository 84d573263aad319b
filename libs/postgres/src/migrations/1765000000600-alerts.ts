import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts (spec section 10): sales agents, subscriptions, the audit of changes to
 * both, and the notifier's deliveries with their attempts. One delivery per
 * (subscription, output eventId) is what makes a replayed or redelivered event
 * harmless; `notifier_offset` is the notifier's consumer position, written in
 * the same transaction as the deliveries it created.
 */
export class Alerts1765000000600 implements MigrationInterface {
  name = 'Alerts1765000000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sales_agent (
        company_id varchar(32) NOT NULL,
        agent_id varchar(64) NOT NULL,
        name varchar(200) NOT NULL,
        email varchar(254) NOT NULL,
        updated_by varchar(128) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, agent_id)
      )`);
    await db.query(`
      CREATE TABLE alert_subscription (
        company_id varchar(32) NOT NULL,
        subscription_id varchar(64) NOT NULL,
        channel varchar(16) NOT NULL CHECK (channel IN ('email', 'webhook', 'inbox')),
        target varchar(2048) NOT NULL,
        event_types text[] NOT NULL,
        filter jsonb NOT NULL DEFAULT '{}',
        digest varchar(16) NOT NULL DEFAULT 'immediate' CHECK (digest IN ('immediate', 'daily')),
        secret varchar(512),
        enabled boolean NOT NULL,
        updated_by varchar(128) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, subscription_id)
      )`);
    await db.query(`
      CREATE TABLE alert_change (
        change_id bigserial PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        changed_by varchar(128) NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        action varchar(40) NOT NULL,
        subject_id varchar(64) NOT NULL,
        before jsonb,
        after jsonb
      )`);
    await db.query(`CREATE INDEX alert_change_company ON alert_change (company_id, change_id)`);
    await db.query(`
      CREATE TABLE notification_delivery (
        delivery_id bigserial PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        subscription_id varchar(64) NOT NULL,
        event_id varchar(160) NOT NULL,
        customer_id varchar(64),
        customer_name varchar(200),
        event_type varchar(64) NOT NULL,
        channel varchar(16) NOT NULL,
        recipient varchar(2048) NOT NULL,
        status varchar(16) NOT NULL
          CHECK (status IN ('queued', 'digested', 'pending', 'delivered', 'failed')),
        digest_date date,
        digest_id bigint REFERENCES notification_delivery (delivery_id),
        payload text NOT NULL,
        created_at timestamptz NOT NULL,
        next_attempt_at timestamptz,
        retry_until timestamptz,
        lease_until timestamptz,
        attempt_count int NOT NULL DEFAULT 0,
        last_error text,
        delivered_at timestamptz,
        read_at timestamptz,
        CONSTRAINT notification_delivery_once UNIQUE (subscription_id, company_id, event_id)
      )`);
    await db.query(`COMMENT ON COLUMN notification_delivery.status IS
      'queued: waits for its daily digest; digested: sent inside digest_id; pending: to send (again); delivered; failed'`);
    await db.query(
      `CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE status = 'pending'`,
    );
    await db.query(
      `CREATE INDEX notification_delivery_queued ON notification_delivery (company_id, subscription_id, digest_date)
         WHERE status = 'queued'`,
    );
    await db.query(
      `CREATE INDEX notification_delivery_company ON notification_delivery (company_id, delivery_id DESC)`,
    );
    await db.query(
      `CREATE INDEX notification_delivery_inbox ON notification_delivery (recipient, delivery_id DESC)
         WHERE channel = 'inbox'`,
    );
    await db.query(`
      CREATE TABLE notification_attempt (
        delivery_id bigint NOT NULL REFERENCES notification_delivery (delivery_id),
        attempt_no int NOT NULL,
        attempted_at timestamptz NOT NULL,
        outcome varchar(16) NOT NULL CHECK (outcome IN ('delivered', 'error')),
        detail text,
        PRIMARY KEY (delivery_id, attempt_no)
      )`);
    await db.query(`
      CREATE TABLE notifier_offset (
        group_id varchar(128) NOT NULL,
        topic varchar(249) NOT NULL,
        partition int NOT NULL,
        next_offset bigint NOT NULL,
        PRIMARY KEY (group_id, topic, partition)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE notifier_offset`);
    await db.query(`DROP TABLE notification_attempt`);
    await db.query(`DROP TABLE notification_delivery`);
    await db.query(`DROP TABLE alert_change`);
    await db.query(`DROP TABLE alert_subscription`);
    await db.query(`DROP TABLE sales_agent`);
  }
}
