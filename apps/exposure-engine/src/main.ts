import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { setPriority } from 'node:os';
import { ConfigError, engineSettings, EngineSettings, loggedLevels } from '@credit/config';
import { createEngineApp, endWhenConsumerStops, startEngineApp } from './app';

async function bootstrap(): Promise<void> {
  let settings: EngineSettings;
  try {
    settings = engineSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`exposure-engine: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (settings.role === 'project' && settings.projectorNice > 0) {
    // Raising one's own niceness needs no privilege; a container that forbids it only costs the preference.
    try {
      setPriority(settings.projectorNice);
    } catch (error) {
      new Logger('ExposureEngine').warn(`could not lower the projector's priority: ${String(error)}`);
    }
  }
  const app = await createEngineApp({ settings }, loggedLevels(settings.logLevel));
  app.enableShutdownHooks();
  if (settings.role !== 'project') endWhenConsumerStops(app);
  await startEngineApp(app);
  await app.listen(settings.healthPort, settings.healthHost);
  new Logger('ExposureEngine').log(
    `Health on http://${settings.healthHost}:${settings.healthPort}/health/live and /health/ready`,
  );
}

void bootstrap();
