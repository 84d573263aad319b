import { ValidateBy, ValidateIf, ValidationArguments, ValidationOptions } from 'class-validator';
import { isStorableText, LIMITS, STORABLE_TEXT_RULE } from '@credit/contracts';
import { isBusinessDate } from '@credit/domain';

/**
 * Validators that give one message per field (class-validator's IsInt + Min +
 * Max would give three for "abc"), each naming the field.
 */

/** Present (not undefined): the validators below apply; null is then rejected too. */
export const IfPresent = (): PropertyDecorator => ValidateIf((_o, value) => value !== undefined);

const describeRange = (min: number, max?: number) =>
  max === undefined ? `>= ${min}` : `from ${min} to ${max}`;

/** An integer JSON number in [min, max]: "$property must be an integer from 1 to 100". */
export function IsIntInRange(min: number, max?: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIntInRange',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' &&
          Number.isInteger(value) &&
          value >= min &&
          (max === undefined || value <= max),
        defaultMessage: () => `$property must be an integer ${describeRange(min, max)}`,
      },
    },
    options,
  );
}

/** A real calendar day `YYYY-MM-DD` (2026-02-30 is rejected). */
export function IsBusinessDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBusinessDate',
      validator: {
        validate: (value: unknown) => isBusinessDate(value),
        defaultMessage: () => '$property must be a real date YYYY-MM-DD',
      },
    },
    options,
  );
}

const reasonProblem = (value: unknown): string | null => {
  if (typeof value !== 'string') return 'must be a string of 1 to 1000 characters';
  if (value.length === 0) return 'must not be empty';
  if (value.trim().length === 0) return 'must not be blank';
  if ([...value].length > LIMITS.textMaxLength) return `must be at most ${LIMITS.textMaxLength} characters`;
  if (!isStorableText(value)) return `must ${STORABLE_TEXT_RULE}`;
  return null;
};

/** The mandatory reason of an audited change: a string of 1..1000 characters, not only blanks. */
export function IsReason(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isReason',
      validator: {
        validate: (value: unknown) => reasonProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `$property ${reasonProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/**
 * Text Postgres can store unchanged in every text, varchar and jsonb column (the rule of the event
 * contract): "$property must contain no NUL character (U+0000) and no unpaired UTF-16 surrogate".
 * Only strings are checked; the type is another decorator's concern.
 */
export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isStorableText(value),
        defaultMessage: () => `$property must ${STORABLE_TEXT_RULE}`,
      },
    },
    options,
  );
}
