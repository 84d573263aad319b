import { createHash } from 'node:crypto';
import { DocumentType } from '../../domain/src/facts';
import type { DeadLetterReason } from './decode';
import {
  BLOCK_REASONS,
  COLLECTION_STAGES,
  DUNNING_ACTIONS,
  DOCUMENT_REASONS,
  EXPOSURE_STATUSES,
  OUTPUT_EVENT_TYPES,
  OutputEventType,
  SchemaViolation,
  describeSchemaError,
  deadLetterHeadersValidator,
  outputValidator,
} from './schemas';

export type ExposureStatus = (typeof EXPOSURE_STATUSES)[number];
export type BlockReason = (typeof BLOCK_REASONS)[number];
export type DocumentReason = (typeof DOCUMENT_REASONS)[number];
export type DunningActionName = (typeof DUNNING_ACTIONS)[number];
export type CollectionStageName = (typeof COLLECTION_STAGES)[number];

/** Output money is a string with exactly two decimals (formatMoney). */
export type MoneyString = string;

export interface ExposureComponentsData {
  orders: MoneyString;
  deliveries: MoneyString;
  unpostedInvoices: MoneyString;
  receivables: MoneyString;
  bills: MoneyString;
}

export interface ExposureStatusChangedData {
  /** null on the first evaluation of a customer. */
  from: ExposureStatus | null;
  to: ExposureStatus;
  total: MoneyString;
  /** The effective limit (0 when expired); null when no limit is set. */
  limit: MoneyString | null;
  /** total / limit x 100, two decimals (percentage()); null when the limit is absent or 0. */
  utilizationPct: string | null;
  components: ExposureComponentsData;
}

export interface OverdueChangedData {
  overdue: boolean;
  overdueAmount: MoneyString;
  oldestOverdueDays: number;
}

export interface CustomerBlockedData {
  reasons: BlockReason[];
}

export interface CustomerUnblockedData {
  /** The reasons of the block that ended. */
  previousReasons: BlockReason[];
}

export interface CreditReviewDueData {
  /** lastChangedOn + reviewEveryDays. */
  dueOn: string;
  /** The customer's credit class code. */
  creditClass: string;
  /** Business date of the latest creditClass.assigned or creditLimit.set/removed. */
  lastChangedOn: string;
  reviewEveryDays: number;
}

/** The collection case events of risk.collections (spec 12). */
export interface DunningLevelReachedData {
  caseId: string;
  level: number;
  action: DunningActionName;
  items: { openItemId: string; dueDate: string; residual: MoneyString; daysOverdue: number }[];
  overdueAmount: MoneyString;
}

export interface CollectionStageChangedData {
  caseId: string;
  from: CollectionStageName;
  to: CollectionStageName;
  changedBy: string;
  reason: string;
}

export interface CollectionClosedData {
  caseId: string;
  reason: 'paid' | 'below-minimum';
}

export interface PromiseBrokenData {
  caseId: string;
  promiseId: string;
  amount: MoneyString;
  date: string;
  paidSince: MoneyString;
}

export interface DocumentOutcomeData {
  documentType: DocumentType;
  documentId: string;
  amount: MoneyString;
  incrementalExposure?: MoneyString;
  exposureBefore?: MoneyString;
  exposureAfter?: MoneyString;
  limit?: MoneyString | null;
  reasons?: DocumentReason[];
  requestedBy?: string;
  /** Who sent the check: the authenticated caller of the API; absent for document.checkRequested. */
  sentBy?: string;
}

export interface DocumentHeldData extends DocumentOutcomeData {
  holdId: string;
}

export interface DocumentDecisionData extends DocumentOutcomeData {
  holdId: string;
  decidedBy: string;
  reason: string;
}

export interface OutputDataByType {
  'exposure.statusChanged': ExposureStatusChangedData;
  'overdue.changed': OverdueChangedData;
  'customer.blocked': CustomerBlockedData;
  'customer.unblocked': CustomerUnblockedData;
  'creditReview.due': CreditReviewDueData;
  'document.allowed': DocumentOutcomeData;
  'document.warned': DocumentOutcomeData;
  'document.held': DocumentHeldData;
  'document.released': DocumentDecisionData;
  'document.rejected': DocumentDecisionData;
  'dunning.levelReached': DunningLevelReachedData;
  'collection.stageChanged': CollectionStageChangedData;
  'collection.closed': CollectionClosedData;
  'promise.broken': PromiseBrokenData;
}

/** The envelope of an event on risk.breaches / risk.blocks / risk.collections. */
export interface OutputEvent<T extends OutputEventType = OutputEventType> {
  eventId: string;
  type: T;
  schemaVersion: 1;
  occurredAt: string;
  companyId: string;
  customerId: string;
  /** The input eventId or API request id that caused this event. */
  causationId: string;
  /** Per-customer increasing sequence number. */
  sequence: number;
  data: OutputDataByType[T];
}

/** Discriminated union of all output events. */
export type AnyOutputEvent = { [T in OutputEventType]: OutputEvent<T> }[OutputEventType];

/**
 * A UUID-shaped id derived from SHA-256 of the parts (name-based, like a version-5 UUID: version
 * nibble 5, RFC 4122 variant bits). The same parts always give the same id; the parts are encoded
 * unambiguously, so ("a", "bc") and ("ab", "c") differ.
 */
export function deterministicEventId(...parts: string[]): string {
  const bytes = createHash('sha256').update(JSON.stringify(parts)).digest();
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export type ValidationResult = { ok: true } | ({ ok: false } & SchemaViolation);

const OUTPUT_TYPES: ReadonlySet<string> = new Set(OUTPUT_EVENT_TYPES);

/** Checks an output event against its published schema (for producers' tests). */
export function validateOutputEvent(event: unknown): ValidationResult {
  const type = (event as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !OUTPUT_TYPES.has(type)) {
    return { ok: false, field: 'type', message: `type ${JSON.stringify(type)} is not an output event type` };
  }
  const validate = outputValidator(type as OutputEventType);
  if (validate(event)) return { ok: true };
  return { ok: false, ...describeSchemaError(validate.errors![0]) };
}

// ---------------------------------------------------------------------------------------------
// Dead letter
// ---------------------------------------------------------------------------------------------

/** Where a rejected input came from: the consumed Kafka message. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (as kafkajs gives it). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Message timestamp, ms since epoch as a decimal string (as kafkajs gives it). */
  timestamp?: string | null;
}

/** Why it was rejected: the failure of decodeInputEvent, or any other reason with the same shape. */
export interface DeadLetterFailure {
  reason: DeadLetterReason;
  field?: string;
  message: string;
}

/** The structured dead-letter record: for logs, storage and APIs. */
export interface DeadLetterRecord {
  eventId: string;
  type: 'input.rejected';
  schemaVersion: 1;
  occurredAt: string;
  reason: DeadLetterReason;
  field?: string;
  message: string;
  source: { topic: string; partition: number; offset: string; key: string | null; timestamp: string | null };
  /** The original value, base64; null for a tombstone. */
  originalBase64: string | null;
}

/**
 * The Kafka message published on risk.dead-letter (structurally an OutboundMessage of @credit/kafka).
 */
export interface DeadLetterMessage {
  topic: string;
  /** The original key, unchanged. */
  key: Buffer | null;
  /**
   * The original value, byte-identical. A tombstone (null value) is published as an empty value with
   * the header `dlq.tombstone: true`.
   */
  value: Buffer;
  headers: Record<string, string>;
}

/** Same input message, same id: a replay dead-letters it with the same eventId. */
export const deadLetterEventId = (topic: string, partition: number, offset: string): string =>
  deterministicEventId('input.rejected', topic, String(partition), offset);

const MAX_HEADER_CHARS = 1000;
const cap = (text: string): string =>
  text.length > MAX_HEADER_CHARS ? `${text.slice(0, MAX_HEADER_CHARS - 3)}...` : text;

const instant = (at: Date | string): string => (typeof at === 'string' ? at : at.toISOString());

export function deadLetterRecord(
  source: DeadLetterSource,
  failure: DeadLetterFailure,
  occurredAt: Date | string,
): DeadLetterRecord {
  const record: DeadLetterRecord = {
    eventId: deadLetterEventId(source.topic, source.partition, source.offset),
    type: 'input.rejected',
    schemaVersion: 1,
    occurredAt: instant(occurredAt),
    reason: failure.reason,
    message: failure.message,
    source: {
      topic: source.topic,
      partition: source.partition,
      offset: source.offset,
      key: source.key === null ? null : source.key.toString('base64'),
      timestamp: source.timestamp ?? null,
    },
    originalBase64: source.value === null ? null : source.value.toString('base64'),
  };
  if (failure.field !== undefined) record.field = failure.field;
  return record;
}

/**
 * The message to publish on risk.dead-letter: the ORIGINAL key and value, byte-identical, with the
 * reason and the origin in `dlq.*` headers (docs/events.md, "Dead letter").
 */
export function deadLetterMessage(
  deadLetterTopic: string,
  source: DeadLetterSource,
  failure: DeadLetterFailure,
  occurredAt: Date | string,
): DeadLetterMessage {
  const headers: Record<string, string> = {
    'dlq.eventId': deadLetterEventId(source.topic, source.partition, source.offset),
    'dlq.occurredAt': instant(occurredAt),
    'dlq.reason': failure.reason,
    'dlq.message': cap(failure.message),
    'dlq.topic': source.topic,
    'dlq.partition': String(source.partition),
    'dlq.offset': source.offset,
  };
  if (failure.field !== undefined) headers['dlq.field'] = cap(failure.field);
  if (source.timestamp != null) headers['dlq.timestamp'] = source.timestamp;
  if (source.value === null) headers['dlq.tombstone'] = 'true';
  return { topic: deadLetterTopic, key: source.key, value: source.value ?? Buffer.alloc(0), headers };
}

/** Checks dead-letter headers against the published schema. */
export function validateDeadLetterHeaders(headers: unknown): ValidationResult {
  const validate = deadLetterHeadersValidator();
  if (validate(headers)) return { ok: true };
  return { ok: false, ...describeSchemaError(validate.errors![0]) };
}
