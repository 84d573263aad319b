import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { createJsonLogger, mostVerbose, useJsonLogs, withJsonLogs } from '@credit/observability';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { BatchConsumerTransport } from '@credit/kafka';
import { EngineModule, EngineOptions } from './engine.module';

/** How long an engine whose consumer stopped for good waits for its close before it exits. */
const CLOSE_TIMEOUT_MS = 10_000;

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
 * A consumer that kafkajs gave up for good (an error it does not retry, such
 * as a RangeError in the fold) would leave the process up and healthy while
 * its partitions stand still. The process ends instead, with code 1: the
 * supervisor starts it again and it resumes from the state store's applied
 * offsets, so nothing is lost, and a fault that recurs shows as a restart loop
 * rather than as a silent stop.
 */
export function endWhenConsumerStops(
  app: INestApplication,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  app.get(BatchConsumerTransport).on('crash', (error, restarting) => {
    if (restarting) return;
    new Logger('ExposureEngine').fatal(
      `The consumer stopped for good (${error.message}); ending the process`,
    );
    // The fold's commit is atomic per batch: closing cannot leave half a batch, and a stuck close must not keep the process.
    const close = Promise.race([app.close(), new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref())]);
    void close.catch(() => undefined).finally(() => exit(1));
  });
}

/**
 * Bootstraps the engine (topics, producer, store epoch, relay, projector,
 * scheduler), then starts consuming: the first batch finds them all running.
 */
export async function startEngineApp(app: INestApplication): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
}
