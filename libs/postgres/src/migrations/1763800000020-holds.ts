import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holds (spec section 6): documents a credit check held, waiting for a
 * decision. Written by the risk API (synchronous checks, source 'api') and by
 * the engine's projector (document.held from document.checkRequested, source
 * 'event'); decided (released / rejected) through the API. At most one pending
 * hold per document: a re-check of a held document finds it.
 */
export class Holds1763800000020 implements MigrationInterface {
  name = 'Holds1763800000020';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE hold (
        hold_id uuid PRIMARY KEY,
        company_id varchar(32) NOT NULL,
        customer_id varchar(64) NOT NULL,
        document_type varchar(16) NOT NULL CHECK (document_type IN ('order', 'delivery', 'invoice')),
        document_id varchar(128) NOT NULL,
        amount numeric(20,2) NOT NULL,
        exposure_before numeric(20,2) NOT NULL,
        exposure_after numeric(20,2) NOT NULL,
        limit_amount numeric(20,2),
        excess numeric(20,2) NOT NULL,
        reasons text[] NOT NULL DEFAULT '{}'
          CHECK (reasons <@ ARRAY['LIMIT_EXCEEDED', 'LIMIT_EXPIRED', 'OVERDUE']::text[]),
        requested_by varchar(128),
        source varchar(8) NOT NULL CHECK (source IN ('api', 'event')),
        causation_id varchar(160) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'released', 'rejected')),
        decided_by varchar(128),
        decided_at timestamptz,
        decision_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE UNIQUE INDEX hold_pending_document ON hold (company_id, customer_id, document_type, document_id)
        WHERE status = 'pending'`);
    await db.query(`CREATE INDEX hold_company_status_created ON hold (company_id, status, created_at)`);
    await db.query(`CREATE INDEX hold_customer ON hold (company_id, customer_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE hold`);
  }
}
