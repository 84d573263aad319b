import { BadRequestException, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { MONEY_PATTERN } from '@credit/domain';
import { Matches, ValidationOptions } from 'class-validator';
import type { InvalidParam } from './problem.filter';

/**
 * The global ValidationPipe: unknown properties are rejected (400), payloads are
 * transformed into their DTO classes without implicit type conversion (a JSON
 * number is not silently turned into a money string), and every message names
 * the field by its full path, e.g. `orderRefs.0.amount must be a money string like 1234.56`.
 */

/** Flattens class-validator errors into one `{ name, reason }` per failed constraint, name being the property path. */
export function invalidParams(errors: readonly ValidationError[], parentPath = ''): InvalidParam[] {
  const params: InvalidParam[] = [];
  for (const error of errors) {
    const property = error.property === undefined || error.property === null ? '' : String(error.property);
    const path = parentPath && property ? `${parentPath}.${property}` : parentPath || property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      params.push({ name: path, reason: qualify(constraint, message, property, path) });
    }
    if (error.children?.length) params.push(...invalidParams(error.children, path));
  }
  return params;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function qualify(constraint: string, message: string, property: string, path: string): string {
  if (constraint === 'unknownValue')
    return path ? `${path} must be a JSON object` : 'request body must be a JSON object';
  if (!property || property === path) return message;
  const token = new RegExp(`(^|\\s)${escapeRegExp(property)}(?=\\s|$)`);
  return token.test(message) ? message.replace(token, `$1${path}`) : `${path}: ${message}`;
}

export function validationExceptionFactory(errors: ValidationError[]): BadRequestException {
  const params = invalidParams(errors);
  return new BadRequestException({
    message: params.length > 0 ? params.map((p) => p.reason) : ['request validation failed'],
    invalidParams: params,
  });
}

export const VALIDATION_PIPE_OPTIONS: Readonly<ValidationPipeOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: validationExceptionFactory,
});

export const createValidationPipe = (): ValidationPipe => new ValidationPipe({ ...VALIDATION_PIPE_OPTIONS });

/** A money string of the contract (`^-?[0-9]{1,13}(\.[0-9]{1,2})?$`); JSON numbers are rejected. */
export function IsMoneyString(options?: ValidationOptions): PropertyDecorator {
  return Matches(MONEY_PATTERN, { message: '$property must be a money string like 1234.56', ...options });
}
