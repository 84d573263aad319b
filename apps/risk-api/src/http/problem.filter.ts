import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { isDatabaseUnavailable } from '@credit/postgres';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/**
 * Error body of every non-2xx response:
 * `{ statusCode, error, message, errors?, reference? }`.
 *
 * - `message` is always one string. Validation failures also carry `errors`,
 *   one message per failed field (the `message` is those joined with "; ").
 * - HttpExceptions keep their status, message and any extra fields they carry.
 * - Anything else is a 500 `Internal error; reference <uuid>`: the error and its
 *   stack are logged server side under that reference, never sent to the client.
 * - body-parser errors: invalid JSON → 400 "request body is not valid JSON",
 *   too large → 413, unsupported charset/encoding → 415.
 * - Postgres unreachable → 503 with `Retry-After`, naming what is unavailable
 *   (the exposure read keeps answering from the live state meanwhile). A 503
 *   is logged as a warning without a stack: capacity or an outage, not a bug.
 */
export interface ProblemBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: string[];
  reference?: string;
  [extra: string]: unknown;
}

interface RequestLike {
  method?: string;
  originalUrl?: string;
  url?: string;
}

interface ResponseLike {
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  status(code: number): ResponseLike;
  json(body: unknown): unknown;
  end(): unknown;
}

const reason = (status: number): string => STATUS_CODES[status] ?? 'Error';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * Turns a body-parser (http-errors) error into an HttpException with a safe
 * message; undefined for anything else. Used by the filter and by the JSON
 * body middleware installed in `configureHttp` (which must run before Nest maps
 * JSON SyntaxErrors to a BadRequestException carrying the parser's message).
 */
export function translateBodyParserError(error: unknown): HttpException | undefined {
  if (!isRecord(error) || typeof error.type !== 'string') return undefined;
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  if (typeof status !== 'number') return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new BadRequestException('request body is not valid JSON');
    case 'entity.too.large':
      return new PayloadTooLargeException(
        typeof error.limit === 'number'
          ? `request body is too large (limit ${error.limit} bytes)`
          : 'request body is too large',
      );
    case 'parameters.too.many':
      return new PayloadTooLargeException('request body has too many parameters');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeException('request body charset or encoding is not supported');
    case 'request.aborted':
      return new BadRequestException('request aborted');
    case 'request.size.invalid':
      return new BadRequestException('request body size does not match Content-Length');
    default:
      return status >= 400 && status < 500 && error.expose === true
        ? new HttpException(reason(status), status)
        : undefined;
  }
}

/** A 503 that tells the client when to try again (Retry-After): a state being rebuilt, a dependency away. */
export class RetryLaterException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Seconds a client is asked to wait before retrying a request that needed Postgres. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The reporting database (Postgres) is unavailable, so this request cannot be served now; retry in a few ' +
  'seconds. Exposure reads keep answering from the live state, and no event is lost meanwhile.';

/** The response body for an HttpException. */
export function problemFromHttpException(exception: HttpException): ProblemBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  if (!isRecord(response)) {
    const message = typeof response === 'string' && response ? response : reason(statusCode);
    return { statusCode, error: reason(statusCode), message };
  }
  const { error, message, ...extra } = response;
  delete extra.statusCode;
  const body: ProblemBody = {
    ...extra,
    statusCode,
    error: typeof error === 'string' && error ? error : reason(statusCode),
    message: reason(statusCode),
  };
  if (Array.isArray(message)) {
    const errors = message.map(String);
    body.errors = errors;
    if (errors.length > 0) body.message = errors.join('; ');
  } else if (typeof message === 'string' && message) {
    body.message = message;
  }
  return body;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const response = http.getResponse<ResponseLike>();
    const route = `${request.method ?? '?'} ${request.originalUrl ?? request.url ?? '?'}`;

    const databaseAway = !(exception instanceof HttpException) && isDatabaseUnavailable(exception);
    const httpException = databaseAway
      ? new ServiceUnavailableException(DATABASE_UNAVAILABLE_MESSAGE)
      : exception instanceof HttpException
        ? exception
        : translateBodyParserError(exception);
    let body: ProblemBody;
    if (httpException) {
      body = problemFromHttpException(httpException);
      if (databaseAway) {
        // An outage, not a bug: no stack trace, one line to correlate with the database's state.
        this.logger.warn(`${route} → 503: Postgres unavailable (${String((exception as Error).message)})`);
      } else if (body.statusCode === 503) {
        // Refused for capacity or a dependency away (e.g. every export slot taken): no bug, no stack.
        this.logger.warn(`${route} → 503: ${body.message}`);
      } else if (body.statusCode >= 500) {
        body.reference = randomUUID();
        this.logger.error(`${route} → ${body.statusCode}; reference ${body.reference}`, httpException.stack);
      }
    } else {
      const reference = randomUUID();
      body = {
        statusCode: 500,
        error: 'Internal Server Error',
        message: `Internal error; reference ${reference}`,
        reference,
      };
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${route} → 500; reference ${reference}`, detail);
    }

    if (response.headersSent) {
      response.end();
      return;
    }
    if (databaseAway) response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    if (exception instanceof RetryLaterException) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }
}
