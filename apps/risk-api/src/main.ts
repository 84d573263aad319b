import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { apiSettings, ApiSettings, ConfigError, loggedLevels } from '@credit/config';
import { createApiApp } from './app';

async function bootstrap(): Promise<void> {
  let settings: ApiSettings;
  try {
    settings = apiSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`risk-api: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApiApp(settings, loggedLevels(settings.logLevel));
  if (settings.host === undefined) await app.listen(settings.port);
  else await app.listen(settings.port, settings.host);
  new Logger('RiskApi').log(
    `Listening on http://${settings.host ?? '127.0.0.1'}:${settings.port} (OpenAPI at /docs, health at /health/live and /health/ready)`,
  );
}

void bootstrap();
