import { Param } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { OUTPUT_EVENT_TYPES } from '@credit/contracts';
import { CUSTOMER_ID_PATTERN, PatternParamPipe } from '../http';
import { NON_NEGATIVE_MONEY_PATTERN, USER_SUBJECT_PATTERN } from '../holds/request-rules';
import { PageMeta, PageQuery } from '../http/paging';

/** Sales agent and subscription ids: letters, digits, . _ -, 1 to 64. */
export const ALERT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Delivery ids are the positive integers the notifier numbers them with. */
export const DELIVERY_ID_PATTERN = /^[1-9][0-9]{0,17}$/;
/** A plain e-mail address (local@domain.tld), no display name. */
export const EMAIL_PATTERN =
  /^[^\s@<>(),;:"[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
/** The events of collection cases on risk.collections (spec section 12). */
export const COLLECTION_EVENT_TYPES = [
  'dunning.levelReached',
  'collection.stageChanged',
  'collection.closed',
  'promise.broken',
] as const;
/**
 * What a subscription may ask for: the output events of sections 5-7 and 11,
 * and the collection events of section 12 (once in the contract's output
 * types, the Set keeps them once).
 */
export const ALERT_EVENT_TYPES: readonly string[] = [
  ...new Set<string>([...OUTPUT_EVENT_TYPES, ...COLLECTION_EVENT_TYPES]),
];
export const ALERT_CHANNELS = ['email', 'webhook', 'inbox'] as const;
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export const DELIVERY_STATUSES = ['queued', 'digested', 'pending', 'delivered', 'failed'] as const;
export const WEBHOOK_SECRET_MIN_LENGTH = 16;

export const AgentIdParam = (): ParameterDecorator =>
  Param('agentId', new PatternParamPipe('agentId', ALERT_ID_PATTERN));
export const SubscriptionIdParam = (): ParameterDecorator =>
  Param('subscriptionId', new PatternParamPipe('subscriptionId', ALERT_ID_PATTERN));
export const DeliveryIdParam = (): ParameterDecorator =>
  Param('deliveryId', new PatternParamPipe('deliveryId', DELIVERY_ID_PATTERN));

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/** Why `target` does not suit the channel, or null. */
export function targetProblem(channel: unknown, target: unknown): string | null {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2048)
    return 'must be a string of 1 to 2048 characters';
  switch (channel) {
    case 'email':
      return target === 'sales-agent' || EMAIL_PATTERN.test(target)
        ? null
        : 'must be an e-mail address or the word sales-agent for the email channel';
    case 'webhook':
      return isHttpUrl(target) ? null : 'must be an http(s) URL for the webhook channel';
    case 'inbox':
      return USER_SUBJECT_PATTERN.test(target)
        ? null
        : `must be a user subject matching ${USER_SUBJECT_PATTERN.source} for the inbox channel`;
    default:
      return null; // the channel's own error says what is wrong
  }
}

function IsTargetOfChannel(): PropertyDecorator {
  return ValidateBy({
    name: 'isTargetOfChannel',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        targetProblem((args?.object as { channel?: unknown }).channel, value) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `$property ${targetProblem((args?.object as { channel?: unknown }).channel, args?.value) ?? 'is invalid'}`,
    },
  });
}

const NAME_RULE = 'must be a string of 1 to 200 characters, not only blanks';

export class PutSalesAgentBody {
  @ApiProperty({ example: 'Giulia Verdi', maxLength: 200 })
  @IsString({ message: `name ${NAME_RULE}` })
  @Matches(/\S/, { message: `name ${NAME_RULE}` })
  @MaxLength(200, { message: `name ${NAME_RULE}` })
  name!: string;

  @ApiProperty({
    example: 'giulia.verdi@example.com',
    description: 'Where `sales-agent` subscriptions send.',
  })
  @IsString({ message: 'email must be an e-mail address' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @Matches(EMAIL_PATTERN, { message: 'email must be an e-mail address' })
  email!: string;
}

export class SalesAgentDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'AG-07', description: "The id the ERP sends as the customer's salesAgentId." })
  agentId!: string;

  @ApiProperty({ example: 'Giulia Verdi' })
  name!: string;

  @ApiProperty({ example: 'giulia.verdi@example.com' })
  email!: string;

  @ApiProperty({ example: 'admin-anna' })
  updatedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  updatedAt!: string;
}

export class SalesAgentPageDto extends PageMeta {
  @ApiProperty({ type: [SalesAgentDto] })
  items!: SalesAgentDto[];
}

export class SubscriptionFilterBody {
  @ApiPropertyOptional({
    example: ['AG-07'],
    description: 'Only customers whose sales agent is one of these.',
  })
  @IsOptional()
  @IsArray({ message: 'filter.salesAgentIds must be an array of agent ids' })
  @ArrayMaxSize(500, { message: 'filter.salesAgentIds must have at most 500 items' })
  @Matches(ALERT_ID_PATTERN, {
    each: true,
    message: `filter.salesAgentIds must contain ids matching ${ALERT_ID_PATTERN.source}`,
  })
  salesAgentIds?: string[];

  @ApiPropertyOptional({ example: ['C000123'], description: 'Only these customers.' })
  @IsOptional()
  @IsArray({ message: 'filter.customerIds must be an array of customer ids' })
  @ArrayMaxSize(500, { message: 'filter.customerIds must have at most 500 items' })
  @Matches(CUSTOMER_ID_PATTERN, {
    each: true,
    message: `filter.customerIds must contain ids matching ${CUSTOMER_ID_PATTERN.source}`,
  })
  customerIds?: string[];

  @ApiPropertyOptional({
    example: '1000.00',
    description:
      'Only events that put the customer at least this much over its limit (exposure - limit; for a document ' +
      'outcome, the exposure after the document). Events of customers without a limit never match it.',
  })
  @IsOptional()
  @Matches(NON_NEGATIVE_MONEY_PATTERN, {
    message: 'filter.minExcess must be a money string >= 0 like 1000.00',
  })
  minExcess?: string;

  @ApiPropertyOptional({ example: ['C', 'D'], enum: RISK_CLASSES, isArray: true })
  @IsOptional()
  @IsArray({ message: 'filter.riskClasses must be an array of A, B, C, D' })
  @IsIn(RISK_CLASSES, { each: true, message: 'filter.riskClasses must contain only A, B, C, D' })
  riskClasses?: string[];
}

export class PutSubscriptionBody {
  @ApiProperty({ enum: ALERT_CHANNELS, example: 'email' })
  @IsIn(ALERT_CHANNELS, { message: 'channel must be one of email, webhook, inbox' })
  channel!: (typeof ALERT_CHANNELS)[number];

  @ApiProperty({
    example: 'sales-agent',
    description:
      "email: an e-mail address, or `sales-agent` for the customer's agent's e-mail; webhook: an http(s) URL; " +
      'inbox: the user subject (token `sub`) whose inbox receives it.',
  })
  @IsTargetOfChannel()
  target!: string;

  @ApiProperty({
    example: ['exposure.statusChanged', 'customer.blocked'],
    enum: ALERT_EVENT_TYPES,
    isArray: true,
  })
  @IsArray({ message: 'eventTypes must be a non-empty array of event types' })
  @ArrayMinSize(1, { message: 'eventTypes must be a non-empty array of event types' })
  @ArrayUnique({ message: 'eventTypes must not repeat an event type' })
  @IsIn(ALERT_EVENT_TYPES, {
    each: true,
    message: `eventTypes must contain only known event types: ${ALERT_EVENT_TYPES.join(', ')}`,
  })
  eventTypes!: string[];

  @ApiPropertyOptional({ type: SubscriptionFilterBody, description: 'All given conditions must hold.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SubscriptionFilterBody)
  filter?: SubscriptionFilterBody;

  @ApiPropertyOptional({ enum: ['immediate', 'daily'], default: 'immediate' })
  @IsOptional()
  @IsIn(['immediate', 'daily'], { message: 'digest must be immediate or daily' })
  digest?: 'immediate' | 'daily';

  @ApiPropertyOptional({
    example: 'whsec-9f8e7d6c5b4a3210',
    minLength: WEBHOOK_SECRET_MIN_LENGTH,
    writeOnly: true,
    description:
      'Webhook only: the key of the X-Credit-Signature HMAC, at least 16 characters. Required when the ' +
      'subscription is created; omitted on a replace, the stored one is kept. Never returned.',
  })
  @IsOptional()
  @IsString({ message: `secret must be a string of ${WEBHOOK_SECRET_MIN_LENGTH} to 512 characters` })
  @MinLength(WEBHOOK_SECRET_MIN_LENGTH, {
    message: `secret must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters long`,
  })
  @MaxLength(512, { message: 'secret must be at most 512 characters long' })
  secret?: string;

  @ApiProperty({ example: true })
  @IsBoolean({ message: 'enabled must be a boolean' })
  enabled!: boolean;
}

export class SubscriptionFilterDto extends SubscriptionFilterBody {}

export class SubscriptionDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'sales-over-limit' })
  subscriptionId!: string;

  @ApiProperty({ enum: ALERT_CHANNELS })
  channel!: string;

  @ApiProperty({ example: 'sales-agent' })
  target!: string;

  @ApiProperty({ example: ['exposure.statusChanged'], isArray: true, type: String })
  eventTypes!: string[];

  @ApiProperty({ type: SubscriptionFilterDto })
  filter!: SubscriptionFilterDto;

  @ApiProperty({ enum: ['immediate', 'daily'] })
  digest!: string;

  @ApiProperty({
    example: false,
    description: 'Whether a webhook secret is stored (the secret itself never is returned).',
  })
  hasSecret!: boolean;

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ example: 'cm-carla' })
  updatedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  updatedAt!: string;
}

export class SubscriptionPageDto extends PageMeta {
  @ApiProperty({ type: [SubscriptionDto] })
  items!: SubscriptionDto[];
}

export class NotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];

  @ApiPropertyOptional({ example: 'sales-over-limit' })
  @IsOptional()
  @Matches(ALERT_ID_PATTERN, { message: `subscriptionId must match ${ALERT_ID_PATTERN.source}` })
  subscriptionId?: string;
}

export class InboxQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only unread entries; false: only read ones.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

export class AttemptDto {
  @ApiProperty({ example: 1 })
  attemptNo!: number;

  @ApiProperty({ example: '2026-03-01T10:15:03.410Z' })
  attemptedAt!: string;

  @ApiProperty({ enum: ['delivered', 'error'] })
  outcome!: string;

  @ApiProperty({ type: String, nullable: true, example: 'HTTP 204' })
  detail!: string | null;
}

export class NotificationDto {
  @ApiProperty({ example: '1842' })
  deliveryId!: string;

  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'sales-over-limit' })
  subscriptionId!: string;

  @ApiProperty({
    example: '0b7f5c1e-3a52-5d8e-9f41-2c6b7a8d9e10',
    description: 'The output eventId, or `digest:<date>:<n>` for a daily digest.',
  })
  eventId!: string;

  @ApiProperty({
    example: 'exposure.statusChanged',
    description: '`notification.digest` for a daily digest.',
  })
  eventType!: string;

  @ApiProperty({ type: String, nullable: true, example: 'C000123' })
  customerId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Rossi Forniture S.r.l.' })
  customerName!: string | null;

  @ApiProperty({ enum: ALERT_CHANNELS })
  channel!: string;

  @ApiProperty({
    example: 'giulia.verdi@example.com',
    description: 'The resolved e-mail address, URL or user.',
  })
  recipient!: string;

  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description:
      'queued: waits for its daily digest; digested: sent inside digestDeliveryId; pending: to be sent (again at ' +
      'nextAttemptAt); delivered; failed (retry with POST …/retry).',
  })
  status!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  digestDate!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  digestDeliveryId!: string | null;

  @ApiProperty({ example: '2026-03-01T10:15:03.120Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  nextAttemptAt!: string | null;

  @ApiProperty({ example: 1 })
  attemptCount!: number;

  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-03-01T10:15:03.410Z' })
  deliveredAt!: string | null;

  @ApiProperty({ type: [AttemptDto] })
  attempts!: AttemptDto[];
}

export class NotificationPageDto extends PageMeta {
  @ApiProperty({ type: [NotificationDto] })
  items!: NotificationDto[];
}

export class InboxEntryDto {
  @ApiProperty({ example: '1844' })
  deliveryId!: string;

  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ type: String, nullable: true, example: 'C000123' })
  customerId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Rossi Forniture S.r.l.' })
  customerName!: string | null;

  @ApiProperty({ example: 'exposure.statusChanged' })
  eventType!: string;

  @ApiProperty({ example: '0b7f5c1e-3a52-5d8e-9f41-2c6b7a8d9e10' })
  eventId!: string;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'The output event itself (null for a daily digest entry).',
  })
  event!: unknown;

  @ApiProperty({ example: '2026-03-01T10:15:03.120Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  readAt!: string | null;
}

export class InboxPageDto extends PageMeta {
  @ApiProperty({ example: 3, description: 'Unread entries in all (whatever the filter).' })
  unread!: number;

  @ApiProperty({ type: [InboxEntryDto] })
  items!: InboxEntryDto[];
}

export class AlertChangeDto {
  @ApiProperty({ example: '17', description: 'Increasing id of the change.' })
  changeId!: string;

  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'cm-carla' })
  changedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  changedAt!: string;

  @ApiProperty({
    enum: [
      'sales-agent.created',
      'sales-agent.updated',
      'sales-agent.deleted',
      'subscription.created',
      'subscription.updated',
      'subscription.deleted',
      'notification.retried',
    ],
  })
  action!: string;

  @ApiProperty({ example: 'sales-over-limit', description: 'The agent, subscription or delivery changed.' })
  subjectId!: string;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, example: null })
  before!: unknown;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    example: { channel: 'email', target: 'sales-agent', enabled: true, hasSecret: false },
  })
  after!: unknown;
}

export class AlertChangePageDto extends PageMeta {
  @ApiProperty({ type: [AlertChangeDto] })
  items!: AlertChangeDto[];
}
