import { Param } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HOLD_REASONS } from '@credit/postgres';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ApiCustomerName, CUSTOMER_ID_PATTERN, PatternParamPipe } from '../http';
import { NON_NEGATIVE_MONEY_PATTERN, UUID_PATTERN } from './request-rules';
import { PageMeta, PageQuery, QueryInt } from '../http/paging';
import { IsStorableText } from '../http/validators';

/** `@HoldIdParam() holdId` = the `:holdId` path param; 400 "holdId must match …" unless a UUID. */
export const HoldIdParam = (): ParameterDecorator =>
  Param('holdId', new PatternParamPipe('holdId', UUID_PATTERN));

export const HOLD_STATUSES = ['pending', 'released', 'rejected'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];
export const DOCUMENT_TYPES = ['order', 'delivery', 'invoice'] as const;

export class HoldsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'C000123', pattern: CUSTOMER_ID_PATTERN.source })
  @IsOptional()
  @Matches(CUSTOMER_ID_PATTERN, { message: `customerId must match ${CUSTOMER_ID_PATTERN.source}` })
  customerId?: string;

  @ApiPropertyOptional({ enum: [...HOLD_STATUSES, 'all'], default: 'pending' })
  @IsOptional()
  @IsIn([...HOLD_STATUSES, 'all'], { message: 'status must be one of pending, released, rejected, all' })
  status?: HoldStatus | 'all';

  @ApiPropertyOptional({
    example: 30,
    minimum: 0,
    description: 'Only holds waiting at least this many minutes.',
  })
  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'minAgeMinutes must be an integer >= 0' })
  @Min(0, { message: 'minAgeMinutes must be an integer >= 0' })
  @Max(52_560_000, { message: 'minAgeMinutes must be at most 52560000' })
  minAgeMinutes?: number;

  @ApiPropertyOptional({ example: '1000.00', description: 'Only documents of at least this amount.' })
  @IsOptional()
  @Matches(NON_NEGATIVE_MONEY_PATTERN, { message: 'minAmount must be a money string >= 0 like 1000.00' })
  minAmount?: string;

  @ApiPropertyOptional({
    example: '500.00',
    description: 'Only holds exceeding the limit by at least this much.',
  })
  @IsOptional()
  @Matches(NON_NEGATIVE_MONEY_PATTERN, { message: 'minExcess must be a money string >= 0 like 500.00' })
  minExcess?: string;

  @ApiPropertyOptional({ enum: DOCUMENT_TYPES })
  @IsOptional()
  @IsIn(DOCUMENT_TYPES, { message: 'documentType must be one of order, delivery, invoice' })
  documentType?: (typeof DOCUMENT_TYPES)[number];

  @ApiPropertyOptional({ enum: ['createdAt', 'amount', 'excess'], default: 'createdAt' })
  @IsOptional()
  @IsIn(['createdAt', 'amount', 'excess'], { message: 'sort must be one of createdAt, amount, excess' })
  sort?: 'createdAt' | 'amount' | 'excess';

  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    default: 'asc',
    description: 'asc = oldest / smallest first.',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be one of asc, desc' })
  order?: 'asc' | 'desc';
}

export class DecisionBody {
  @ApiProperty({
    minLength: 1,
    maxLength: 1000,
    example:
      'Customer paid the overdue invoice by bank transfer this morning; remittance attached in the ERP',
    description:
      'Mandatory: why the document is released (or rejected). Kept in the audit trail and published.',
  })
  @IsString({ message: 'reason must be a string' })
  @Length(1, 1000, { message: 'reason must be 1 to 1000 characters long' })
  @Matches(/\S/, { message: 'reason must not be blank' })
  @IsStorableText()
  reason!: string;
}

export class HoldDto {
  @ApiProperty({ example: '0b9a4c1e-3f43-4c59-9a43-8f1b3c2d9e10' })
  holdId!: string;

  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'C000123' })
  customerId!: string;

  @ApiCustomerName()
  customerName!: string | null;

  @ApiProperty({ enum: DOCUMENT_TYPES, example: 'order' })
  documentType!: string;

  @ApiProperty({ example: 'SO-2026-0042' })
  documentId!: string;

  @ApiProperty({ example: '1800.00', description: 'Gross value of the document.' })
  amount!: string;

  @ApiProperty({ example: '4200.00', description: 'Total exposure before the document.' })
  exposureBefore!: string;

  @ApiProperty({ example: '6000.00', description: 'Total exposure if the document is created.' })
  exposureAfter!: string;

  @ApiProperty({ example: '1800.00', description: 'exposureAfter - exposureBefore.' })
  incrementalExposure!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '5000.00',
    description: 'Effective limit; null = none.',
  })
  limit!: string | null;

  @ApiProperty({
    example: '1000.00',
    description: 'max(0, exposureAfter - limit): what a releaser must cover.',
  })
  excess!: string;

  @ApiProperty({
    type: [String],
    example: ['LIMIT_EXCEEDED'],
    enum: [...HOLD_REASONS],
  })
  reasons!: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'erp-user-luca',
    description:
      "Who the check was for: the caller's token subject, or the ERP user an erp-service caller named. " +
      'May not decide the hold.',
  })
  requestedBy!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'erp-connector',
    description:
      "Who really sent the check: the caller's token subject; null for a document.checkRequested " +
      '(sent by the ERP on erp.documents). May not decide the hold either.',
  })
  sentBy!: string | null;

  @ApiProperty({ enum: ['api', 'event'], example: 'api' })
  source!: string;

  @ApiProperty({ enum: HOLD_STATUSES, example: 'pending' })
  status!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  decidedBy!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  decidedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  decisionReason!: string | null;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  createdAt!: string;

  @ApiProperty({ example: 42, description: 'Minutes since the hold was created.' })
  ageMinutes!: number;
}

export class HoldPageDto extends PageMeta {
  @ApiProperty({ type: [HoldDto] })
  items!: HoldDto[];
}

export class HoldDecisionDto {
  @ApiProperty({ example: '7' })
  decisionId!: string;

  @ApiProperty({ enum: ['released', 'rejected'], example: 'released' })
  decision!: string;

  @ApiProperty({ example: 'maria' })
  decidedBy!: string;

  @ApiProperty({ example: 'Customer paid the overdue invoice this morning' })
  reason!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The decider's approval roles, the authority they gave and what the hold required.",
    example: {
      roles: [{ name: 'area-manager', maxExcess: '5000.00', mayReleaseOverdue: false }],
      effective: { maxExcess: '5000.00', mayReleaseOverdue: false },
      required: { excess: '1000.00', overdue: false },
    },
  })
  authority!: unknown;

  @ApiProperty({ example: '3c0a8a44-5d0e-4b0e-9d83-5f0d3f6c1b7a', description: 'causationId of the event.' })
  requestId!: string;

  @ApiProperty({ example: '2026-03-01T10:57:40.500Z' })
  decidedAt!: string;
}

export class HoldDetailDto extends HoldDto {
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description:
      "The customer's exposure now, from the reporting projection (same shape as GET …/customers/{customerId}/exposure); null when not projected yet.",
  })
  currentExposure!: unknown;

  @ApiProperty({ type: [HoldDecisionDto], description: 'The decision on this hold (at most one).' })
  decisions!: HoldDecisionDto[];
}
