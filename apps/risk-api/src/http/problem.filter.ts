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

/** The media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A field of the request that failed a rule: its path (`orderRefs.0.amount`) and the message naming both. */
export interface InvalidParam {
  name: string;
  reason: string;
}

/**
 * The body of every non-2xx response: RFC 9457 problem details, sent as
 * `application/problem+json` (one schema, `ProblemDetails` in docs/openapi.json).
 *
 * - `type` is `about:blank` (the status says what kind of problem it is),
 *   `title` the status's reason phrase, `status` the HTTP status, `detail`
 *   what went wrong in this request (one sentence naming the field and the
 *   rule), `instance` the request's path (without the query).
 * - Extensions: `errors`, one message per failed rule of a 400 (each starting
 *   with the field's path; `detail` is them joined with "; "); `invalidParams`,
 *   the same as `{ name, reason }` when the request validation named the field;
 *   `reference`, on a 500, the id the server logged the error under; and any
 *   field an exception carries (e.g. `missing` on a 403 of a hold decision).
 * - Compatibility aliases for clients written before RFC 9457: `statusCode`
 *   (= status), `error` (= title) and `message` (= detail).
 * - Anything that is not an HttpException is a 500 `Internal error; reference <uuid>`:
 *   the error and its stack are logged under that reference, never sent.
 * - body-parser errors: invalid JSON -> 400 "request body is not valid JSON",
 *   too large -> 413, unsupported charset/encoding -> 415.
 * - Postgres unreachable -> 503 with `Retry-After`, naming what is unavailable
 *   (the exposure read keeps answering from the live state meanwhile). A 503
 *   is logged as a warning without a stack: capacity or an outage, not a bug.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: string[];
  invalidParams?: InvalidParam[];
  reference?: string;
  statusCode: number;
  error: string;
  message: string;
  [extension: string]: unknown;
}

/** The members RFC 9457 and the compatibility aliases define: an exception's extra fields never replace them. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'statusCode', 'error', 'message']);

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

/** Problem details of a status, a detail and extension members. */
export function problem(
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  const title = reason(status);
  const body: ProblemDetails = {
    type: 'about:blank',
    title,
    status,
    detail,
    // Set by the filter from the request; declared here so that it follows `detail` in the body.
    instance: undefined,
    statusCode: status,
    error: title,
    message: detail,
  };
  for (const [name, value] of Object.entries(extensions)) if (!RESERVED.has(name)) body[name] = value;
  return body;
}

/** The problem details of an HttpException: its status, its message as detail, its extra fields as extensions. */
export function problemFromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (!isRecord(response)) {
    return problem(status, typeof response === 'string' && response ? response : reason(status));
  }
  const { message, ...extensions } = response;
  if (Array.isArray(message)) {
    const errors = message.map(String);
    return problem(status, errors.length > 0 ? errors.join('; ') : reason(status), { ...extensions, errors });
  }
  return problem(status, typeof message === 'string' && message ? message : reason(status), extensions);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const response = http.getResponse<ResponseLike>();
    const url = request.originalUrl ?? request.url ?? '?';
    const route = `${request.method ?? '?'} ${url}`;

    const databaseAway = !(exception instanceof HttpException) && isDatabaseUnavailable(exception);
    const httpException = databaseAway
      ? new ServiceUnavailableException(DATABASE_UNAVAILABLE_MESSAGE)
      : exception instanceof HttpException
        ? exception
        : translateBodyParserError(exception);
    let body: ProblemDetails;
    if (httpException) {
      body = problemFromHttpException(httpException);
      if (databaseAway) {
        // An outage, not a bug: no stack trace, one line to correlate with the database's state.
        this.logger.warn(`${route} → 503: Postgres unavailable (${String((exception as Error).message)})`);
      } else if (body.status === 503) {
        // Refused for capacity or a dependency away (e.g. every export slot taken): no bug, no stack.
        this.logger.warn(`${route} → 503: ${body.message}`);
      } else if (body.status >= 500) {
        body.reference = randomUUID();
        this.logger.error(`${route} → ${body.status}; reference ${body.reference}`, httpException.stack);
      }
    } else {
      const reference = randomUUID();
      body = problem(500, `Internal error; reference ${reference}`, { reference });
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${route} → 500; reference ${reference}`, detail);
    }

    if (response.headersSent) {
      response.end();
      return;
    }
    body.instance = url.split('?')[0];
    if (databaseAway) response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    if (exception instanceof RetryLaterException) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    response.status(body.status).json(body);
  }
}
