import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, notifierSettings, NotifierSettings } from '@credit/config';
import { NotifierModule } from './notifier.module';

const LOG_LEVELS = {
  error: ['error'],
  warn: ['error', 'warn'],
  log: ['error', 'warn', 'log'],
  debug: ['error', 'warn', 'log', 'debug'],
} as const;

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
  const app = await NestFactory.create(NotifierModule.forRoot({ settings }), {
    logger: [...LOG_LEVELS[settings.logLevel]],
  });
  app.enableShutdownHooks();
  await app.listen(settings.healthPort, '127.0.0.1');
  new Logger('Notifier').log(`Health on http://127.0.0.1:${settings.healthPort}/health`);
}

void bootstrap();
