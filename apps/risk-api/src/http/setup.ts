import { HttpException } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ProblemFilter, translateBodyParserError } from './problem.filter';
import { createValidationPipe } from './validation';

export interface HttpConventionsOptions {
  /** Maximum JSON body size (body-parser syntax); default '100kb'. */
  jsonLimit?: string | number;
}

type Next = (error?: unknown) => void;

/** Express error middleware placed right after the JSON parser: body-parser errors become safe HttpExceptions. */
export function bodyParserErrors(error: unknown, _request: unknown, _response: unknown, next: Next): void {
  const translated: HttpException | undefined = translateBodyParserError(error);
  next(translated ?? error);
}

/**
 * Applies the HTTP conventions to the risk API. Call it after
 * `NestFactory.create` and BEFORE `app.init()` / `app.listen()`:
 * the JSON body parser (with its error translation) is registered here, ahead
 * of the routes, so Nest does not add its own.
 */
export function configureHttp(app: NestExpressApplication, options: HttpConventionsOptions = {}): void {
  app.useBodyParser('json', { limit: options.jsonLimit ?? '100kb' });
  app.use(bodyParserErrors);
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
}
