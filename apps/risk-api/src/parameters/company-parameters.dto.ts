import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, Matches, ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';
import { LIMITS } from '@credit/contracts';
import {
  CheckSeverity,
  DUNNING_ACTIONS,
  DunningAction,
  DunningPolicyWire,
  isTimeZone,
  MissingLimitPolicy,
  PROPOSAL_FACTOR_PATTERN,
} from '@credit/domain';
import { IfPresent, IsIntInRange, IsReason } from '../http/validators';
import { PageMeta } from '../http/paging';

export const MISSING_LIMIT_POLICIES: readonly MissingLimitPolicy[] = ['no-limit', 'zero-warn', 'zero-block'];
export const CHECK_SEVERITIES: readonly CheckSeverity[] = ['off', 'warn', 'block'];
/** Upper bounds the spec leaves open, so that absurd values are refused. */
export const MAX_BILL_RISK_DAYS = 365;
export const MAX_AVG_DAYS_LATE = LIMITS.maxDays;
export const MAX_DISHONOURED_BILLS = 10_000;

/** An IANA time zone known to the runtime (e.g. Europe/Rome). */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= 64 && isTimeZone(value),
        defaultMessage: () => '$property must be an IANA time zone such as Europe/Rome',
      },
    },
    options,
  );
}

/** Not a JSON array (ValidateNested would otherwise accept an array of valid objects). */
const IsNotArray = (): PropertyDecorator =>
  ValidateBy({
    name: 'isNotArray',
    validator: {
      validate: (value: unknown) => !Array.isArray(value),
      defaultMessage: () => '$property must be an object',
    },
  });

/** A nested object of the body: present → must be an object, each of its fields validated. */
const NestedObject = (type: () => new () => object): PropertyDecorator => {
  return (target: object, property: string | symbol) => {
    IfPresent()(target, property);
    IsNotArray()(target, property);
    ValidateNested({ message: '$property must be an object' })(target, property);
    Type(type)(target, property);
  };
};

export class IncludedComponentsBody {
  @ApiPropertyOptional({ example: true, description: 'Count open orders in the total.' })
  @IfPresent()
  @IsBoolean()
  orders?: boolean;

  @ApiPropertyOptional({ example: true })
  @IfPresent()
  @IsBoolean()
  deliveries?: boolean;

  @ApiPropertyOptional({ example: true })
  @IfPresent()
  @IsBoolean()
  unpostedInvoices?: boolean;

  @ApiPropertyOptional({ example: true })
  @IfPresent()
  @IsBoolean()
  receivables?: boolean;

  @ApiPropertyOptional({ example: true })
  @IfPresent()
  @IsBoolean()
  bills?: boolean;
}

export class RiskClassBoundBody {
  @ApiProperty({
    minimum: 0,
    maximum: MAX_AVG_DAYS_LATE,
    example: 5,
    description: 'avgDaysLate at most this.',
  })
  @IsIntInRange(0, MAX_AVG_DAYS_LATE)
  maxAvgDaysLate!: number;

  @ApiProperty({
    minimum: 0,
    maximum: MAX_DISHONOURED_BILLS,
    example: 0,
    description: 'dishonouredBills12m at most this.',
  })
  @IsIntInRange(0, MAX_DISHONOURED_BILLS)
  maxDishonouredBills!: number;
}

export class RiskClassesBody {
  @ApiPropertyOptional({ type: RiskClassBoundBody, example: { maxAvgDaysLate: 5, maxDishonouredBills: 0 } })
  @NestedObject(() => RiskClassBoundBody)
  A?: RiskClassBoundBody;

  @ApiPropertyOptional({ type: RiskClassBoundBody, example: { maxAvgDaysLate: 20, maxDishonouredBills: 1 } })
  @NestedObject(() => RiskClassBoundBody)
  B?: RiskClassBoundBody;

  @ApiPropertyOptional({ type: RiskClassBoundBody, example: { maxAvgDaysLate: 45, maxDishonouredBills: 2 } })
  @NestedObject(() => RiskClassBoundBody)
  C?: RiskClassBoundBody;
}

export class DocumentChecksBody {
  @ApiPropertyOptional({ enum: CHECK_SEVERITIES, example: 'block' })
  @IfPresent()
  @IsIn(CHECK_SEVERITIES)
  order?: CheckSeverity;

  @ApiPropertyOptional({ enum: CHECK_SEVERITIES, example: 'block' })
  @IfPresent()
  @IsIn(CHECK_SEVERITIES)
  delivery?: CheckSeverity;

  @ApiPropertyOptional({ enum: CHECK_SEVERITIES, example: 'warn' })
  @IfPresent()
  @IsIn(CHECK_SEVERITIES)
  invoice?: CheckSeverity;
}

const factorProperty = (example: string) =>
  ApiPropertyOptional({ example, pattern: PROPOSAL_FACTOR_PATTERN.source });
const IsProposalFactor = () =>
  Matches(PROPOSAL_FACTOR_PATTERN, {
    message: '$property must be a decimal string like 1.2 (0 to 999.9999)',
  });

/** Multiplier of the credit-limit proposal per risk class, as decimal strings. */
export class LimitProposalFactorsBody {
  @factorProperty('1.2') @IfPresent() @IsProposalFactor() A?: string;
  @factorProperty('1.0') @IfPresent() @IsProposalFactor() B?: string;
  @factorProperty('0.7') @IfPresent() @IsProposalFactor() C?: string;
  @factorProperty('0.4') @IfPresent() @IsProposalFactor() D?: string;
}

/**
 * PUT body: any subset of the company parameters, merged over the effective
 * ones (nested objects field by field; a risk class is given whole), plus the
 * mandatory reason.
 */
export class UpdateCompanyParametersBody {
  @ApiPropertyOptional({ example: 'Europe/Rome', description: 'IANA time zone of the business date.' })
  @IfPresent()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ type: IncludedComponentsBody, description: 'Components counted in the total.' })
  @NestedObject(() => IncludedComponentsBody)
  includedComponents?: IncludedComponentsBody;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_BILL_RISK_DAYS,
    example: 15,
    description: 'A bill stays at risk until dueDate + this many days.',
  })
  @IfPresent()
  @IsIntInRange(0, MAX_BILL_RISK_DAYS)
  billRiskDays?: number;

  @ApiPropertyOptional({
    enum: MISSING_LIMIT_POLICIES,
    example: 'no-limit',
    description: 'A customer without a limit: NO_LIMIT, or a limit of zero in warn or block mode.',
  })
  @IfPresent()
  @IsIn(MISSING_LIMIT_POLICIES)
  missingLimit?: MissingLimitPolicy;

  @ApiPropertyOptional({
    type: RiskClassesBody,
    description: 'Risk-class thresholds; each class given whole; A <= B <= C on both fields.',
  })
  @NestedObject(() => RiskClassesBody)
  riskClasses?: RiskClassesBody;

  @ApiPropertyOptional({
    type: DocumentChecksBody,
    description: 'Check severity per document type (the milder of this and the customer mode applies).',
  })
  @NestedObject(() => DocumentChecksBody)
  documentChecks?: DocumentChecksBody;

  @ApiPropertyOptional({
    type: LimitProposalFactorsBody,
    description: 'Multiplier of the credit-limit proposal per risk class (A..D), decimal strings.',
  })
  @NestedObject(() => LimitProposalFactorsBody)
  limitProposalFactors?: LimitProposalFactorsBody;

  @ApiProperty({
    minLength: 1,
    maxLength: LIMITS.textMaxLength,
    example: 'Orders no longer counted: confirmed orders are prepaid',
    description: 'Why: mandatory, kept in the audit trail.',
  })
  @IsReason()
  reason!: string;
}

// ------------------------------------------------------------------------------------------
// Responses (OpenAPI)
// ------------------------------------------------------------------------------------------

export class IncludedComponentsView {
  @ApiProperty({ example: true }) orders!: boolean;
  @ApiProperty({ example: true }) deliveries!: boolean;
  @ApiProperty({ example: true }) unpostedInvoices!: boolean;
  @ApiProperty({ example: true }) receivables!: boolean;
  @ApiProperty({ example: true }) bills!: boolean;
}

export class RiskClassesView {
  @ApiProperty({ type: RiskClassBoundBody }) A!: RiskClassBoundBody;
  @ApiProperty({ type: RiskClassBoundBody }) B!: RiskClassBoundBody;
  @ApiProperty({ type: RiskClassBoundBody }) C!: RiskClassBoundBody;
}

export class DocumentChecksView {
  @ApiProperty({ enum: CHECK_SEVERITIES, example: 'block' }) order!: CheckSeverity;
  @ApiProperty({ enum: CHECK_SEVERITIES, example: 'block' }) delivery!: CheckSeverity;
  @ApiProperty({ enum: CHECK_SEVERITIES, example: 'block' }) invoice!: CheckSeverity;
}

export class DunningLevelView {
  @ApiProperty({ example: 1 }) level!: number;
  @ApiProperty({ example: 7 }) daysOverdue!: number;
  @ApiProperty({ enum: DUNNING_ACTIONS, example: 'reminder' }) action!: DunningAction;
}

export class DunningPolicyView implements DunningPolicyWire {
  @ApiProperty({ type: [DunningLevelView] }) levels!: DunningLevelView[];
  @ApiProperty({ example: '50.00' }) minAmount!: string;
}

export class CompanyParametersView {
  @ApiProperty({ example: 'Europe/Rome' }) timeZone!: string;
  @ApiProperty({ type: IncludedComponentsView }) includedComponents!: IncludedComponentsView;
  @ApiProperty({ example: 15 }) billRiskDays!: number;
  @ApiProperty({ enum: MISSING_LIMIT_POLICIES, example: 'no-limit' }) missingLimit!: MissingLimitPolicy;
  @ApiProperty({ type: RiskClassesView }) riskClasses!: RiskClassesView;
  @ApiProperty({ type: DocumentChecksView }) documentChecks!: DocumentChecksView;
  @ApiProperty({ type: LimitProposalFactorsBody, example: { A: '1.2', B: '1.0', C: '0.7', D: '0.4' } })
  limitProposalFactors!: Required<LimitProposalFactorsBody>;
  @ApiProperty({ type: DunningPolicyView, description: 'Changed through PUT …/dunning-policy.' })
  dunning!: DunningPolicyView;
}

export class EffectiveCompanyParameters {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ type: CompanyParametersView, description: 'Stored parameters over the defaults.' })
  parameters!: CompanyParametersView;

  @ApiProperty({ example: false, description: 'false while the company has never changed its parameters.' })
  customised!: boolean;
}

export class CompanyParametersChangeResult {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ type: CompanyParametersView, description: 'The effective parameters after the change.' })
  parameters!: CompanyParametersView;

  @ApiProperty({ type: CompanyParametersView, description: 'The effective parameters before the change.' })
  before!: CompanyParametersView;

  @ApiProperty({ format: 'uuid', example: '7d0e8b1a-1c1e-4a3e-9a55-2f7b8f1f0c22' })
  changeId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' })
  changedAt!: string;

  @ApiProperty({
    example: 42,
    description: "How many of the company's customers were put up for re-assessment by the engine.",
  })
  customersReviewed!: number;
}

export class CompanyParametersChangeView {
  @ApiProperty({ format: 'uuid', example: '7d0e8b1a-1c1e-4a3e-9a55-2f7b8f1f0c22' })
  changeId!: string;

  @ApiProperty({ type: CompanyParametersView })
  before!: CompanyParametersView;

  @ApiProperty({ type: CompanyParametersView })
  after!: CompanyParametersView;

  @ApiProperty({ example: 'maria.rossi' })
  changedBy!: string;

  @ApiProperty({ example: 'Orders are prepaid' })
  reason!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:15:00.000Z' })
  changedAt!: string;
}

export class CompanyParametersHistoryPage extends PageMeta {
  @ApiProperty({ type: [CompanyParametersChangeView] })
  items!: CompanyParametersChangeView[];
}
