import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DOCUMENT_REASONS, DocumentReason, LIMITS, PATTERNS } from '@credit/contracts';
import { CheckDecision, CheckSeverity, DocumentType, ExposureStatus } from '@credit/domain';
import { IsIntInRange, IsStorableText } from '../http/validators';

export const DOCUMENT_TYPES = ['order', 'delivery', 'invoice'] as const satisfies readonly DocumentType[];
const DECISIONS = ['ALLOW', 'WARN', 'HOLD'] as const satisfies readonly CheckDecision[];
const SEVERITIES = ['off', 'warn', 'block'] as const satisfies readonly CheckSeverity[];
const STATUSES = ['NO_LIMIT', 'OK', 'WARNING', 'EXCEEDED'] as const satisfies readonly ExposureStatus[];

const MONEY_NON_NEGATIVE = new RegExp(PATTERNS.moneyNonNegative);
const MONEY_RULE = { message: '$property must be a money string >= 0 like 1234.56' };

/** Present (not undefined): the validators apply, so an explicit null is rejected too. */
const IfPresent = (): PropertyDecorator => ValidateIf((_o, value) => value !== undefined);

/** A document or user id of the contract: 1..128 characters Postgres can store. */
function IsContractId(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    IsString()(target, property);
    MinLength(1, { message: '$property must not be empty' })(target, property);
    MaxLength(LIMITS.idMaxLength)(target, property);
    IsStorableText()(target, property);
  };
}

const moneyDoc = (description: string, example: string) => ({
  pattern: PATTERNS.moneyNonNegative,
  example,
  description: `${description} Money string >= 0; JSON numbers are rejected.`,
});

export class CheckOrderRef {
  @ApiProperty({ maxLength: LIMITS.idMaxLength, example: 'SO-2026-0042' })
  @IsContractId()
  orderId!: string;

  @ApiProperty(moneyDoc('How much of that order the document takes over.', '1200.00'))
  @Matches(MONEY_NON_NEGATIVE, MONEY_RULE)
  amount!: string;
}

export class CheckDeliveryRef {
  @ApiProperty({ maxLength: LIMITS.idMaxLength, example: 'DN-2026-0107' })
  @IsContractId()
  deliveryId!: string;

  @ApiProperty(moneyDoc('How much of that delivery note the document invoices.', '800.00'))
  @Matches(MONEY_NON_NEGATIVE, MONEY_RULE)
  amount!: string;
}

/** POST body: a document about to be created (the data of document.checkRequested, spec section 3.1). */
export class CreditCheckBody {
  @ApiProperty({ enum: DOCUMENT_TYPES, example: 'delivery' })
  @IsIn(DOCUMENT_TYPES, { message: `$property must be one of ${DOCUMENT_TYPES.join(', ')}` })
  documentType!: DocumentType;

  @ApiProperty({
    maxLength: LIMITS.idMaxLength,
    example: 'DN-2026-0107',
    description: 'The document about to be created; a re-check of a held document finds its hold.',
  })
  @IsContractId()
  documentId!: string;

  @ApiProperty(moneyDoc('Gross value of the document, VAT included.', '1500.00'))
  @Matches(MONEY_NON_NEGATIVE, MONEY_RULE)
  amount!: string;

  @ApiPropertyOptional({
    type: [CheckOrderRef],
    maxItems: LIMITS.maxArrayItems,
    description: 'Orders the document fulfils: their current residuals (up to these amounts) are taken over.',
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxArrayItems)
  @ValidateNested({ each: true })
  @Type(() => CheckOrderRef)
  orderRefs?: CheckOrderRef[];

  @ApiPropertyOptional({
    type: [CheckDeliveryRef],
    maxItems: LIMITS.maxArrayItems,
    description: 'Delivery notes an invoice bills: their residuals (up to these amounts) are taken over.',
  })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(LIMITS.maxArrayItems)
  @ValidateNested({ each: true })
  @Type(() => CheckDeliveryRef)
  deliveryRefs?: CheckDeliveryRef[];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 3650,
    example: 60,
    description:
      "The document's payment terms in days: above the customer's credit class maximum the check gives " +
      'PAYMENT_TERMS_EXCEEDED (WARN or HOLD like the limit). Absent: not checked.',
  })
  @IfPresent()
  @IsIntInRange(0, 3650)
  paymentTermsDays?: number;

  @ApiPropertyOptional({
    maxLength: LIMITS.idMaxLength,
    example: 'giulia.bianchi',
    description:
      'The ERP user creating the document, named by an erp-service caller acting for it. Taken only from ' +
      "the erp-service role: for every other caller the requester is the token's subject. Neither the " +
      'requester nor the caller (sentBy) may release or reject the hold. Default: the token subject.',
  })
  @IfPresent()
  @IsContractId()
  requestedBy?: string;
}

export class CreditCheckStatus {
  @ApiProperty({ enum: STATUSES, example: 'WARNING', description: 'Limit status before the document.' })
  before!: ExposureStatus;

  @ApiProperty({
    enum: STATUSES,
    example: 'EXCEEDED',
    description: 'Limit status if the document is created.',
  })
  after!: ExposureStatus;
}

export class CreditCheckResponse {
  @ApiProperty({ enum: DECISIONS, example: 'HOLD' })
  decision!: CheckDecision;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Present for HOLD: the hold waiting for a release or rejection.',
  })
  holdId?: string;

  @ApiProperty({
    description:
      'True when the document already had a pending hold: the answer is that hold as recorded, ' +
      'and nothing new is created or published.',
  })
  repeated!: boolean;

  @ApiProperty({
    enum: SEVERITIES,
    description:
      "The milder of the company's check for this document type and the customer's limit mode; " +
      'off when the customer has no limit.',
  })
  severity!: CheckSeverity;

  @ApiProperty({ pattern: PATTERNS.outputMoney, example: '4200.00' })
  exposureBefore!: string;

  @ApiProperty({ pattern: PATTERNS.outputMoney, example: '5700.00' })
  exposureAfter!: string;

  @ApiProperty({
    pattern: PATTERNS.outputMoney,
    example: '1500.00',
    description: 'What the document adds: its amount minus what it takes over from referenced documents.',
  })
  incremental!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    pattern: PATTERNS.outputMoneyNonNegative,
    example: '5000.00',
    description: 'The effective limit (0 once expired); null when the customer has none.',
  })
  limit!: string | null;

  @ApiProperty({
    pattern: PATTERNS.outputMoneyNonNegative,
    example: '700.00',
    description: 'max(0, after - limit).',
  })
  excess!: string;

  @ApiProperty({ enum: DOCUMENT_REASONS, isArray: true, example: ['LIMIT_EXCEEDED'] })
  reasons!: DocumentReason[];

  @ApiProperty({ type: CreditCheckStatus })
  status!: CreditCheckStatus;

  @ApiProperty({
    example: 'giulia.bianchi',
    description:
      "Who the check was recorded for: requestedBy from an erp-service caller, else the token's subject.",
  })
  requestedBy!: string;

  @ApiProperty({
    example: 'erp-connector',
    description: "Who sent the check: the token's subject. Recorded on the hold with the requester.",
  })
  sentBy!: string;

  @ApiProperty({ example: '2026-03-02', description: "Today in the company's time zone." })
  businessDate!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'Id of this request: the causationId of the published outcome event.',
  })
  requestId!: string;
}
