import { DataSource } from 'typeorm';
import { PostgresSettings } from '@credit/config';
import { CustomerExposureRow } from './customer-exposure.entity';
import { ApiOutbox1763800000002 } from './migrations/1763800000002-api-outbox';
import { CustomerExposure1763800000000 } from './migrations/1763800000000-customer-exposure';
import { Reporting1763800000001 } from './migrations/1763800000001-reporting';
import { Holds1763800000020 } from './migrations/1763800000020-holds';
import { Approvals1763800000030 } from './migrations/1763800000030-approvals';
import { StorableProjections1765000000100 } from './migrations/1765000000100-storable-projections';
import { Alerts1765000000600 } from './migrations/1765000000600-alerts';
import { HoldSender1765000000200 } from './migrations/1765000000200-hold-sender';
import { CustomerMasterData1765000000700 } from './migrations/1765000000700-customer-master-data';
import { CreditClassesExposure1765000000800 } from './migrations/1765000000800-credit-classes-exposure';
import { CreditGovernance1765000000900 } from './migrations/1765000000900-credit-governance';
import { CollectionsExposure1765000001000 } from './migrations/1765000001000-collections-exposure';
import { CollectionActions1765000001100 } from './migrations/1765000001100-collection-actions';
import { DeadLetters1765000001500 } from './migrations/1765000001500-dead-letters';
import { LimitsParameters1763800000010 } from './migrations/1763800000010-limits-parameters';

/**
 * The one table read through a TypeORM entity (CustomerExposureRepository);
 * every other table is read and written with SQL in its repository.
 */
export const ENTITIES = [CustomerExposureRow];
export const MIGRATIONS = [
  CustomerExposure1763800000000,
  Reporting1763800000001,
  ApiOutbox1763800000002,
  LimitsParameters1763800000010,
  Holds1763800000020,
  Approvals1763800000030,
  StorableProjections1765000000100,
  HoldSender1765000000200,
  Alerts1765000000600,
  CustomerMasterData1765000000700,
  CreditClassesExposure1765000000800,
  CreditGovernance1765000000900,
  CollectionsExposure1765000001000,
  CollectionActions1765000001100,
  DeadLetters1765000001500,
];

/** Schema changes only through MIGRATIONS: synchronize stays off everywhere. */
export function createDataSource(settings: PostgresSettings, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    extra: { max: poolSize, connectionTimeoutMillis: 5000 },
  });
}

/** Creates the database named in the URL when it is missing (local and test set-ups). */
export async function ensureDatabase(settings: PostgresSettings): Promise<void> {
  const url = new URL(settings.url);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new DataSource({ type: 'postgres', url: url.toString() });
  await admin.initialize();
  try {
    const rows = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.destroy();
  }
}

export async function runMigrations(settings: PostgresSettings): Promise<string[]> {
  await ensureDatabase(settings);
  const dataSource = createDataSource(settings, 1);
  await dataSource.initialize();
  try {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
