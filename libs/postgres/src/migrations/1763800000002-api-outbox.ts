import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiOutbox1763800000002 implements MigrationInterface {
  name = 'ApiOutbox1763800000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text,
        value text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_outbox_unpublished ON api_outbox (id) WHERE published_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_outbox`);
  }
}
