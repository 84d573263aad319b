import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@credit/postgres';

/**
 * A private, migrated Postgres database for repository ("medium") tests:
 * no Kafka, no Redis, no app. `drop` removes it.
 */
export interface TestDatabase {
  db: DataSource;
  drop(): Promise<void>;
}

export async function testDatabase(): Promise<TestDatabase> {
  const base = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  const name = `ce_repo_${randomBytes(4).toString('hex')}`;
  url.pathname = `/${name}`;
  const settings = { url: url.toString() };
  await runMigrations(settings);
  const db = createDataSource(settings, 4);
  await db.initialize();
  return {
    db,
    drop: async () => {
      await db.destroy();
      url.pathname = '/postgres';
      const admin = new DataSource({ type: 'postgres', url: url.toString() });
      await admin.initialize();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
