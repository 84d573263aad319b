import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createJsonLogger, useJsonLogs, withJsonLogs } from '@credit/observability';
import { setPriority } from 'node:os';
import { ConfigError, engineSettings, EngineSettings } from '@credit/config';
import { EngineModule } from './engine.module';

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
  // JSON lines through pino (libs/observability), Nest's and the Kafka client's alike.
  const logger = createJsonLogger('exposure-engine', settings.logLevel);
  const app = await NestFactory.create(withJsonLogs(EngineModule.forRoot({ settings }), logger), {
    bufferLogs: true,
  });
  useJsonLogs(app, logger);
  app.enableShutdownHooks();
  await app.listen(settings.healthPort, settings.healthHost);
  new Logger('ExposureEngine').log(
    `Health on http://${settings.healthHost}:${settings.healthPort}/health/live and /health/ready`,
  );
}

void bootstrap();
