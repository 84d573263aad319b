import { BadRequestException } from '@nestjs/common';
import { SUBJECT_PATTERN } from '@credit/auth';

/** Approval role names: letters, digits, . _ -, 1 to 64. */
export const ROLE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Token subjects (`sub`): what the token verifier accepts, so every user who can sign in can be named. */
export const USER_SUBJECT_PATTERN = SUBJECT_PATTERN;
/** Hold ids are UUIDs. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A money amount >= 0 in the contract's wire format. */
export const NON_NEGATIVE_MONEY_PATTERN = /^[0-9]{1,13}(\.[0-9]{1,2})?$/;
/** An optional client-supplied X-Request-Id (becomes the causationId of the events). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A Postgres numeric(…,2) read as a string ("1234.50", "-3.00") to exact cents. */
export function numericCents(text: string): bigint {
  const match = /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text.trim());
  if (match === null) throw new Error(`not a numeric money value: ${JSON.stringify(text)}`);
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** Validates an optional header value; 400 naming the header. */
export function optionalHeader(name: string, value: unknown, pattern: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && pattern.test(value)) return value;
  throw new BadRequestException(`${name} must match ${pattern.source}`);
}
