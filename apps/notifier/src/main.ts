import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, notifierSettings, NotifierSettings, loggedLevels } from '@credit/config';
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
  const app = await NestFactory.create(NotifierModule.forRoot({ settings }), {
    logger: loggedLevels(settings.logLevel),
  });
  app.enableShutdownHooks();
  await app.listen(settings.healthPort, '127.0.0.1');
  new Logger('Notifier').log(`Health on http://127.0.0.1:${settings.healthPort}/health`);
}

void bootstrap();
