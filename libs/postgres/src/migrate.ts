import { apiSettings, engineSettings, loadEnvironment } from '@credit/config';
import { runMigrations } from './data-source';

/** `npm run migrate`: applies pending migrations to POSTGRES_URL (creating the database if needed). */
async function main(): Promise<void> {
  const env = loadEnvironment();
  const settings = env.AUTH_JWT_SECRET ? apiSettings(env) : engineSettings(env);
  const applied = await runMigrations(settings.postgres);
  console.log(
    applied.length === 0 ? 'Database schema is up to date.' : `Applied migrations: ${applied.join(', ')}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
