import { ApiCustomerName } from '../http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, Matches, ValidateIf } from 'class-validator';
import { CREDIT_LIMIT_DEFAULTS, LIMITS, PATTERNS } from '@credit/contracts';
import { PageMeta } from '../http/paging';
import { IfPresent, IsBusinessDate, IsIntInRange, IsReason } from '../http/validators';

export const LIMIT_MODES = ['warn', 'block'] as const;
export type LimitModeName = (typeof LIMIT_MODES)[number];

const MONEY_NON_NEGATIVE = new RegExp(PATTERNS.moneyNonNegative);

const REASON_DOC = {
  minLength: 1,
  maxLength: LIMITS.textMaxLength,
  description: 'Why: mandatory, kept in the audit trail and published with the event.',
};

/** PUT body: sets (or replaces) the customer's credit limit. */
export class SetCreditLimitBody {
  @ApiProperty({
    example: '5000.00',
    pattern: PATTERNS.moneyNonNegative,
    description: 'The credit limit (fido), a money string >= 0; JSON numbers are rejected.',
  })
  @Matches(MONEY_NON_NEGATIVE, { message: '$property must be a money string >= 0 like 1234.56' })
  amount!: string;

  @ApiProperty({
    enum: LIMIT_MODES,
    example: 'block',
    description: 'warn: breaches only warn; block: they block.',
  })
  @IsIn(LIMIT_MODES)
  mode!: LimitModeName;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100,
    default: CREDIT_LIMIT_DEFAULTS.attentionThresholdPct,
    example: 80,
    description: 'WARNING from this percentage of the limit.',
  })
  @IfPresent()
  @IsIntInRange(1, 100)
  attentionThresholdPct?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    example: '2026-12-31',
    description: 'Last day the limit is valid; afterwards it counts as 0. Absent or null: no expiry.',
  })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsBusinessDate()
  validUntil?: string | null;

  @ApiPropertyOptional({
    default: CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
    example: true,
    description: 'Block on overdue items (block mode only).',
  })
  @IfPresent()
  @IsBoolean()
  blockOnOverdue?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: LIMITS.maxDays,
    default: CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
    example: 0,
    description: 'Days an item may be overdue before it is a breach.',
  })
  @IfPresent()
  @IsIntInRange(0, LIMITS.maxDays)
  overdueToleranceDays?: number;

  @ApiPropertyOptional({
    example: '8000.00',
    pattern: PATTERNS.moneyNonNegative,
    description: 'A temporary amount in force until temporaryUntil (inclusive); both or neither.',
  })
  @ValidateIf((o: SetCreditLimitBody) => o.temporaryAmount !== undefined || o.temporaryUntil !== undefined)
  @Matches(MONEY_NON_NEGATIVE, {
    message: '$property must be a money string >= 0 like 1234.56 (required with temporaryUntil)',
  })
  temporaryAmount?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-12-31',
    description: 'Last day of the temporary amount; afterwards the base amount applies, with no event.',
  })
  @ValidateIf((o: SetCreditLimitBody) => o.temporaryAmount !== undefined || o.temporaryUntil !== undefined)
  @IsBusinessDate({ message: '$property must be a real date YYYY-MM-DD (required with temporaryAmount)' })
  temporaryUntil?: string;

  @ApiProperty({ ...REASON_DOC, example: 'Annual review: turnover up 20%' })
  @IsReason()
  reason!: string;
}

/** DELETE body: removes the customer's credit limit. */
export class RemoveCreditLimitBody {
  @ApiProperty({ ...REASON_DOC, example: 'Customer closed' })
  @IsReason()
  reason!: string;
}

// ------------------------------------------------------------------------------------------
// Responses (OpenAPI)
// ------------------------------------------------------------------------------------------

export class CreditLimitView {
  @ApiProperty({ example: '5000.00' })
  amount!: string;

  @ApiProperty({ enum: LIMIT_MODES, example: 'block' })
  mode!: LimitModeName;

  @ApiProperty({ example: 80 })
  attentionThresholdPct!: number;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: null })
  validUntil!: string | null;

  @ApiProperty({
    type: Boolean,
    nullable: true,
    example: true,
    description: 'null when the limit is only known from the exposure projection, which does not keep it.',
  })
  blockOnOverdue!: boolean | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0,
    description: 'null when the limit is only known from the exposure projection, which does not keep it.',
  })
  overdueToleranceDays!: number | null;
}

export class CreditLimitChangeResult {
  @ApiProperty({
    type: CreditLimitView,
    nullable: true,
    description: 'The new limit (null after a removal).',
  })
  limit!: CreditLimitView | null;

  @ApiProperty({ type: CreditLimitView, nullable: true, description: 'The limit before (null if none).' })
  before!: CreditLimitView | null;

  @ApiProperty({ format: 'uuid', example: '0b8f2a52-4a44-4d57-8f5b-0e3c1f6f2d11' })
  changeId!: string;

  @ApiProperty({
    format: 'uuid',
    example: '5f1c7c9e-2f0b-4f59-9d1e-8c0b8c5e9a01',
    description:
      'eventId of the creditLimit.set / creditLimit.removed event published on risk.credit-limits.',
  })
  eventId!: string;
}

export class CurrentCreditLimit {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'C000123' })
  customerId!: string;

  @ApiCustomerName()
  customerName!: string | null;

  @ApiProperty({ type: CreditLimitView })
  limit!: CreditLimitView;

  @ApiProperty({
    enum: ['api', 'engine'],
    example: 'api',
    description:
      'api: the latest change made through this API; engine: no change was made through the API, ' +
      'the limit is the one the engine folded (e.g. from another trusted producer).',
  })
  source!: 'api' | 'engine';

  @ApiProperty({ type: String, nullable: true, example: '0b8f2a52-4a44-4d57-8f5b-0e3c1f6f2d11' })
  changeId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'maria.rossi' })
  setBy!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Annual review' })
  reason!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T09:15:00.000Z' })
  setAt!: string | null;

  @ApiProperty({
    type: Boolean,
    description:
      'Whether the exposure projection already shows this limit (amount, mode, threshold, validity): ' +
      'false for a moment after a change, until the engine has folded its event.',
    example: true,
  })
  appliedByEngine!: boolean;
}

export class CreditLimitChangeView {
  @ApiProperty({ format: 'uuid', example: '0b8f2a52-4a44-4d57-8f5b-0e3c1f6f2d11' })
  changeId!: string;

  @ApiProperty({ enum: ['set', 'removed'], example: 'set' })
  action!: 'set' | 'removed';

  @ApiProperty({ type: CreditLimitView, nullable: true })
  before!: CreditLimitView | null;

  @ApiProperty({ type: CreditLimitView, nullable: true })
  after!: CreditLimitView | null;

  @ApiProperty({ example: 'maria.rossi', description: 'The token subject of who made the change.' })
  changedBy!: string;

  @ApiProperty({ example: 'Annual review' })
  reason!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' })
  changedAt!: string;

  @ApiProperty({ format: 'uuid', example: '5f1c7c9e-2f0b-4f59-9d1e-8c0b8c5e9a01' })
  eventId!: string;
}

export class CreditLimitHistoryPage extends PageMeta {
  @ApiProperty({ type: [CreditLimitChangeView] })
  items!: CreditLimitChangeView[];
}
