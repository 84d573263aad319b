import { EntityManager, QueryFailedError } from 'typeorm';

const sqlState = (error: unknown): string | undefined =>
  error instanceof QueryFailedError ? (error.driverError as { code?: string } | undefined)?.code : undefined;

/**
 * Postgres invalid_catalog_name (the database does not exist) or undefined_table:
 * nothing was ever migrated there, so nothing was ever stored either.
 */
export const isNeverMigrated = (error: unknown): boolean => {
  const code = sqlState(error) ?? (error as { code?: unknown } | null)?.code;
  return code === '3D000' || code === '42P01';
};

/** Postgres unique_violation: another writer stored the same key first. */
export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';

/** Postgres foreign_key_violation: the referenced row is gone (deleted concurrently). */
export const isForeignKeyViolation = (error: unknown): boolean => sqlState(error) === '23503';

/** TypeORM answers an UPDATE / DELETE … RETURNING with [rows, affected]: the rows. */
export const returnedRows = <T>(result: [T[], number]): T[] => result[0];

/**
 * One change of `key` at a time: a transaction-scoped advisory lock, released
 * at the caller's commit or rollback.
 */
export async function advisoryLock(m: EntityManager, key: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
