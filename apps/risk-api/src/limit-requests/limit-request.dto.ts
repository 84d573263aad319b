import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { LIMITS } from '@credit/contracts';
import { LimitRequestStatus } from '@credit/postgres';
import { ApiCustomerName, PatternParamPipe } from '../http';
import { PageMeta, PageQuery } from '../http/paging';
import { IsReason } from '../http/validators';
import { CUSTOMER_ID_PATTERN } from '../http/params';
import { Param } from '@nestjs/common';

export const LIMIT_REQUEST_STATUSES: readonly LimitRequestStatus[] = ['pending', 'approved', 'rejected'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `@RequestIdParam() requestId` = the `:requestId` path param, 400 "requestId must match …" when malformed. */
export const RequestIdParam = (): ParameterDecorator =>
  Param('requestId', new PatternParamPipe('requestId', UUID));

export class LimitRequestDecisionBody {
  @ApiProperty({
    minLength: 1,
    maxLength: LIMITS.textMaxLength,
    example: 'Turnover and payment record support it',
    description: 'Why: mandatory, kept with the decision.',
  })
  @IsReason()
  reason!: string;
}

export class LimitRequestsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LIMIT_REQUEST_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(LIMIT_REQUEST_STATUSES)
  status?: LimitRequestStatus;

  @ApiPropertyOptional({ example: 'C000123', description: 'Only the requests of this customer.' })
  @IsOptional()
  @Matches(CUSTOMER_ID_PATTERN, { message: `customerId must match ${CUSTOMER_ID_PATTERN.source}` })
  customerId?: string;
}

export class CustomerLimitRequestsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LIMIT_REQUEST_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(LIMIT_REQUEST_STATUSES)
  status?: LimitRequestStatus;
}

export class LimitRequestView {
  @ApiProperty({ format: 'uuid', example: '7d3c1a52-4a44-4d57-8f5b-0e3c1f6f2d11' }) requestId!: string;
  @ApiProperty({ example: 'IT01' }) companyId!: string;
  @ApiProperty({ example: 'C000123' }) customerId!: string;
  @ApiCustomerName() customerName!: string | null;
  @ApiProperty({ example: '50000.00' }) amount!: string;
  @ApiProperty({ enum: ['warn', 'block'], example: 'block' }) mode!: 'warn' | 'block';
  @ApiProperty({ example: 80 }) attentionThresholdPct!: number;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: null }) validUntil!: string | null;
  @ApiProperty({ example: true }) blockOnOverdue!: boolean;
  @ApiProperty({ example: 0 }) overdueToleranceDays!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) temporaryAmount!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: null }) temporaryUntil!:
    string | null;
  @ApiProperty({ example: 'Annual review: turnover up 20%' }) reason!: string;
  @ApiProperty({ enum: LIMIT_REQUEST_STATUSES, example: 'pending' }) status!: LimitRequestStatus;
  @ApiProperty({ example: 'maria.rossi' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' }) requestedAt!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) decidedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) decidedAt!:
    string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) decisionReason!: string | null;
}

export class LimitRequestPage extends PageMeta {
  @ApiProperty({ type: [LimitRequestView] })
  items!: LimitRequestView[];
}
