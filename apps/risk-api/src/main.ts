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
  await app.listen(settings.port);
  new Logger('RiskApi').log(`Listening on http://127.0.0.1:${settings.port} (OpenAPI at /docs)`);
}

void bootstrap();
