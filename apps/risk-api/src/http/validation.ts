import { BadRequestException, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { MONEY_PATTERN } from '@credit/domain';
import { Matches, ValidationOptions } from 'class-validator';

/**
 * The global ValidationPipe: unknown properties are rejected (400), payloads are
 * transformed into their DTO classes without implicit type conversion (a JSON
 * number is not silently turned into a money string), and every message names
 * the field by its full path, e.g. `orderRefs.0.amount must be a money string like 1234.56`.
 */

/** Flattens class-validator errors into one message per failed constraint, each naming the property path. */
export function validationMessages(errors: readonly ValidationError[], parentPath = ''): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const property = error.property === undefined || error.property === null ? '' : String(error.property);
    const path = parentPath && property ? `${parentPath}.${property}` : parentPath || property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      messages.push(qualify(constraint, message, property, path));
    }
    if (error.children?.length) messages.push(...validationMessages(error.children, path));
  }
  return messages;
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
  const messages = validationMessages(errors);
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: messages.length > 0 ? messages : ['request validation failed'],
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
