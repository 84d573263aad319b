import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiSettings } from '@credit/config';
import { runMigrations } from '@credit/postgres';
import { ApiMetrics, AppLogLevel, createJsonLogger, useJsonLogs, withJsonLogs } from '@credit/observability';
import { ApiModule } from './api.module';
import { configureHttp } from './http';

const VERBOSITY: Exclude<AppLogLevel, false>[] = ['error', 'warn', 'log', 'debug'];

/**
 * Builds the risk API (not yet listening), so tests drive the same app as production.
 * Logs are JSON lines (libs/observability logging) at the most verbose of `levels`.
 */
export async function createApiApp(
  settings: ApiSettings,
  levels: false | Exclude<AppLogLevel, false>[] = ['error', 'warn', 'log'],
): Promise<NestExpressApplication> {
  if (settings.runMigrations) await runMigrations(settings.postgres);
  const level = levels === false ? false : (VERBOSITY.filter((l) => levels.includes(l)).pop() ?? false);
  const logger = createJsonLogger('risk-api', level);
  const app = await NestFactory.create<NestExpressApplication>(
    withJsonLogs(ApiModule.forRoot(settings), logger),
    { bufferLogs: true, bodyParser: false },
  );
  useJsonLogs(app, logger);
  // First, so that every request is timed, labelled with the route pattern Express matched.
  app.use(app.get(ApiMetrics).httpMiddleware());
  configureHttp(app, { jsonLimit: settings.maxBodyBytes });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Credit exposure risk API')
      .setDescription('Exposures, limits, holds and reports of the credit exposure engine')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
