import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, engineSettings, EngineSettings } from '@credit/config';
import { EngineModule } from './engine.module';

const LOG_LEVELS = {
  error: ['error'],
  warn: ['error', 'warn'],
  log: ['error', 'warn', 'log'],
  debug: ['error', 'warn', 'log', 'debug'],
} as const;

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
  const app = await NestFactory.create(EngineModule.forRoot({ settings }), {
    logger: [...LOG_LEVELS[settings.logLevel]],
  });
  app.enableShutdownHooks();
  await app.listen(settings.healthPort, '127.0.0.1');
  new Logger('ExposureEngine').log(`Health on http://127.0.0.1:${settings.healthPort}/health`);
}

void bootstrap();
