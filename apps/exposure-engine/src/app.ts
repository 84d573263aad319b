import { INestApplication, LogLevel } from '@nestjs/common';
import { createJsonLogger, mostVerbose, useJsonLogs, withJsonLogs } from '@credit/observability';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { BatchConsumerTransport } from '@credit/kafka';
import { EngineModule, EngineOptions } from './engine.module';

/**
 * Builds the engine (not yet started), so tests drive the same app as
 * production: an HTTP app (health, metrics) with, unless the role only
 * projects, the consumer group as its microservice. Logs are JSON lines
 * (libs/observability logging), Nest's and the Kafka client's alike.
 */
export async function createEngineApp(
  options: EngineOptions,
  logger: false | LogLevel[],
): Promise<INestApplication> {
  const json = createJsonLogger('exposure-engine', mostVerbose(logger));
  const app = await NestFactory.create(withJsonLogs(EngineModule.forRoot(options), json), {
    bufferLogs: true,
  });
  useJsonLogs(app, json);
  if (options.settings.role !== 'project') {
    app.connectMicroservice<MicroserviceOptions>(
      { strategy: app.get(BatchConsumerTransport) },
      { inheritAppConfig: true },
    );
  }
  return app;
}

/**
 * Bootstraps the engine (topics, producer, store epoch, relay, projector,
 * scheduler), then starts consuming: the first batch finds them all running.
 */
export async function startEngineApp(app: INestApplication): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
}
