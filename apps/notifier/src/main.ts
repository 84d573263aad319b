import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createJsonLogger, useJsonLogs, withJsonLogs } from '@credit/observability';
import { ConfigError, notifierSettings, NotifierSettings } from '@credit/config';
import { NotifierModule } from './notifier.module';

async function bootstrap(): Promise<void> {
  let settings: NotifierSettings;
  try {
    settings = notifierSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`notifier: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // JSON lines through pino (libs/observability), Nest's and the Kafka client's alike.
  const logger = createJsonLogger('notifier', settings.logLevel);
  const app = await NestFactory.create(withJsonLogs(NotifierModule.forRoot({ settings }), logger), {
    bufferLogs: true,
  });
  useJsonLogs(app, logger);
  app.enableShutdownHooks();
  await app.listen(settings.healthPort, settings.healthHost);
  new Logger('Notifier').log(
    `Health on http://${settings.healthHost}:${settings.healthPort}/health/live and /health/ready`,
  );
}

void bootstrap();
