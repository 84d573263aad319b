import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { ApiSettings } from '@credit/config';
import { runMigrations } from '@credit/postgres';
import {
  ApiMetrics,
  AppLogLevel,
  createJsonLogger,
  mostVerbose,
  useJsonLogs,
  withJsonLogs,
} from '@credit/observability';
import { ApiModule } from './api.module';
import { configureHttp } from './http';
import { buildOpenApiDocument } from './http/openapi';

/**
 * Builds the risk API (not yet listening), so tests drive the same app as production.
 * Logs are JSON lines (libs/observability logging) at the most verbose of `levels`.
 */
export async function createApiApp(
  settings: ApiSettings,
  levels: false | Exclude<AppLogLevel, false>[] = ['error', 'warn', 'log'],
): Promise<NestExpressApplication> {
  if (settings.runMigrations) await runMigrations(settings.postgres);
  const logger = createJsonLogger('risk-api', mostVerbose(levels));
  const app = await NestFactory.create<NestExpressApplication>(
    withJsonLogs(ApiModule.forRoot(settings), logger),
    { bufferLogs: true, bodyParser: false },
  );
  useJsonLogs(app, logger);
  // First, so that every request is timed, labelled with the route pattern Express matched.
  app.use(app.get(ApiMetrics).httpMiddleware());
  configureHttp(app, { jsonLimit: settings.maxBodyBytes });
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
