import { Param } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { LIMITS, PATTERNS } from '@credit/contracts';
import { PatternParamPipe } from '../http';
import { PageMeta } from '../http/paging';
import { IsIntInRange, IsReason, IsStorableText } from '../http/validators';

export const CREDIT_CLASS_CODE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** Longest payment terms and review interval a class may carry (ten years). */
export const MAX_CLASS_DAYS = 3650;
const MONEY_NON_NEGATIVE = new RegExp(PATTERNS.moneyNonNegative);

/** `@CreditClassCodeParam() code` = the `:code` path param, 400 "code must match …" when malformed. */
export const CreditClassCodeParam = (): ParameterDecorator =>
  Param('code', new PatternParamPipe('code', CREDIT_CLASS_CODE_PATTERN));

/** PUT body of a credit class (creates or replaces it). */
export class PutCreditClassBody {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Good customers: 60 days, 20k per document' })
  @IsString({ message: 'description must be a string of 1 to 200 characters' })
  @Length(1, 200, { message: 'description must be a string of 1 to 200 characters' })
  @IsStorableText()
  description!: string;

  @ApiProperty({
    minimum: 0,
    maximum: MAX_CLASS_DAYS,
    example: 60,
    description: 'Longest payment terms granted.',
  })
  @IsIntInRange(0, MAX_CLASS_DAYS)
  maxPaymentTermsDays!: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: PATTERNS.moneyNonNegative,
    example: '20000.00',
    description: 'Largest single document (order, delivery, invoice); absent or null: no maximum.',
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @Matches(MONEY_NON_NEGATIVE, { message: '$property must be a money string >= 0 like 1234.56, or null' })
  maxDocumentAmount?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_CLASS_DAYS,
    example: 365,
    description:
      'Review the customer this many days after its class or limit last changed; absent or null: never.',
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsIntInRange(1, MAX_CLASS_DAYS)
  reviewEveryDays?: number | null;
}

/** PUT body of a customer's credit class. */
export class AssignCreditClassBody {
  @ApiProperty({ pattern: CREDIT_CLASS_CODE_PATTERN.source, example: 'GOLD' })
  @Matches(CREDIT_CLASS_CODE_PATTERN, { message: `code must match ${CREDIT_CLASS_CODE_PATTERN.source}` })
  code!: string;

  @ApiProperty({ minLength: 1, maxLength: LIMITS.textMaxLength, example: 'Judged fit at onboarding' })
  @IsReason()
  reason!: string;
}

export class CreditClassView {
  @ApiProperty({ example: 'GOLD' }) code!: string;
  @ApiProperty({ example: 'Good customers: 60 days, 20k per document' }) description!: string;
  @ApiProperty({ example: 60 }) maxPaymentTermsDays!: number;
  @ApiProperty({ type: String, nullable: true, example: '20000.00' }) maxDocumentAmount!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 365 }) reviewEveryDays!: number | null;
  @ApiProperty({ example: 12, description: 'How many customers hold the class.' }) customers!: number;
  @ApiProperty({ example: 'maria.rossi' }) updatedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' }) updatedAt!: string;
}

export class CreditClassPage extends PageMeta {
  @ApiProperty({ type: [CreditClassView] }) items!: CreditClassView[];
}

export class CustomerCreditClassView {
  @ApiProperty({ example: 'C000123' }) customerId!: string;
  @ApiProperty({ example: 'GOLD' }) code!: string;
  @ApiProperty({ example: 'Judged fit at onboarding' }) reason!: string;
  @ApiProperty({ example: 'maria.rossi' }) assignedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' }) assignedAt!: string;
}
