import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, INestApplication, Module, Type } from '@nestjs/common';
import { Logger as NestPinoLogger, LoggerModule } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import pino, { Logger, LevelWithSilent } from 'pino';

/** LOG_LEVEL as the apps configure it (libs/config), or false for silence. */
export type AppLogLevel = 'error' | 'warn' | 'log' | 'debug' | false;

const PINO_LEVELS: Record<Exclude<AppLogLevel, false>, LevelWithSilent> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
};

/**
 * One JSON object per line on stdout: `level` as a word, `time` as an ISO
 * instant, `service`, `msg`, and the fields of the entry (a Nest logger's
 * `context`; `requestId` inside an HTTP request; `topic`, `partition`,
 * `offset` where a Kafka message is concerned). Written asynchronously: a
 * synchronous write per line (pino's default) took about a tenth of the API's
 * CPU under load, one system call per request; lines written while a write is
 * in flight go out together, and pino flushes what is pending when the
 * process exits.
 */
export function createJsonLogger(
  service: string,
  level: AppLogLevel,
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger {
  return pino(
    {
      level: level === false ? 'silent' : PINO_LEVELS[level],
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const VERBOSITY: Exclude<AppLogLevel, false>[] = ['error', 'warn', 'log', 'debug'];

/** The level a logger needs to write every level of `levels` (Nest names them as a list). */
export const mostVerbose = (levels: false | readonly string[]): AppLogLevel =>
  levels === false ? false : (VERBOSITY.filter((l) => levels.includes(l)).pop() ?? false);

let processLogger: Logger = createJsonLogger('credit-exposure', 'log');

/**
 * The process's logger, for what logs outside Nest's logger (the Kafka client).
 * An app sets it at start-up (`useJsonLogs`); until then it logs at `log` level.
 */
export const jsonLogger = (): Logger => processLogger;

export function setJsonLogger(logger: Logger): void {
  processLogger = logger;
}

/** A request id safe to echo: the caller's `x-request-id` when it is short and plain, otherwise a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

const quietPaths = /^\/(health|metrics)(\/|\?|$)/;

/**
 * What nestjs-pino's logger finds while a request is served: the request's
 * logger, with its id bound. The child logger is made on first use, because
 * most requests log nothing at the deployed level and a child per request
 * cost the API a tenth of its CPU per check under load (with pino-http).
 */
class RequestLogStore implements Store {
  private requestLogger: Logger | undefined;

  constructor(
    private readonly root: Logger,
    readonly requestId: string,
  ) {}

  get logger(): Logger {
    return (this.requestLogger ??= this.root.child({ requestId: this.requestId }));
  }

  // nestjs-pino's `assign` replaces the request's logger.
  set logger(logger: Logger) {
    this.requestLogger = logger;
  }
}

/**
 * On every request: a request id (the caller's `x-request-id`, or a new one,
 * echoed back) on each line logged while it is served, and, when the level
 * writes info lines, one line when it completes (not for probes and scrapes),
 * at error for a 5xx. Headers are never logged; a 5xx's cause is logged by the
 * API's problem filter, with the same request id.
 */
function requestLogging(logger: Logger) {
  const logsCompletion = logger.isLevelEnabled('info');
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const store = new RequestLogStore(logger, requestIdOf(req, res));
    if (logsCompletion && !quietPaths.test(req.url ?? '')) {
      const started = performance.now();
      res.once('finish', () =>
        store.logger[res.statusCode >= 500 ? 'error' : 'info'](
          {
            req: { method: req.method, url: req.url },
            res: { statusCode: res.statusCode },
            responseTime: Math.round(performance.now() - started),
          },
          'request completed',
        ),
      );
    }
    storage.run(store, next);
  };
}

/**
 * Nest's logger through pino (nestjs-pino). Its own request middleware is not
 * mounted (`forRoutes: []`): Nest would mount it as a catch-all route, which
 * an unmatched request would then report as its route (the metrics' `route`
 * label). `useJsonLogs` mounts the same with `app.use`.
 */
function loggingModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] });
}

/**
 * The app's root module with JSON logging around it. Create the app with
 * `bufferLogs: true`, then call `useJsonLogs(app)`.
 */
export function withJsonLogs(root: DynamicModule | Type<unknown>, logger: Logger): DynamicModule {
  @Module({})
  class JsonLoggedApp {}
  return { module: JsonLoggedApp, imports: [loggingModule(logger), root] };
}

/**
 * Routes Nest's own logger (every `new Logger(context)`) and the Kafka client's
 * through pino, and logs each HTTP request. Call it before the app is initialised.
 */
export function useJsonLogs(app: INestApplication, logger: Logger): void {
  setJsonLogger(logger);
  app.use(requestLogging(logger));
  app.useLogger(app.get(NestPinoLogger));
  // What was logged while the app was created was buffered (`bufferLogs`): written now, in JSON.
  app.flushLogs();
}
