import { customerKey } from './customer-key';
import { isUtf8 } from 'node:buffer';
import { ValidateFunction } from 'ajv';
import { DeliveryRef, Fact, FactOf, JournalLine, OrderRef, Settlement } from '../../domain/src/facts';
import { parseMoney } from '../../domain/src/money';
import { FastValidate, fastInputValidator } from './fast-validate';
import {
  CREDIT_LIMIT_DEFAULTS,
  DEAD_LETTER_REASONS,
  INPUT_STREAMS,
  InputEventType,
  InputStream,
  LIMITS,
  STREAM_EVENT_TYPES,
  describeSchemaError,
  inputValidator,
} from './schemas';

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export type DecodeResult =
  { ok: true; fact: Fact } | { ok: false; reason: DeadLetterReason; field?: string; message: string };

export type DecodeFailure = Extract<DecodeResult, { ok: false }>;

export const DEFAULT_MAX_MESSAGE_BYTES = LIMITS.maxMessageBytes;

/** The validated envelope, as the mappers see it (the schema guarantees the shapes). */
interface Envelope {
  eventId: string;
  type: InputEventType;
  occurredAt: string;
  companyId: string;
  customerId: string;
  data: unknown;
}

interface TypeEntry {
  stream: InputStream;
  type: InputEventType;
  map: (e: Envelope, data: unknown) => Fact;
  /** Compiled on first use, then kept. */
  validate?: ValidateFunction;
  /** The fast path (fast-validate.ts), compiled on first use. */
  fast?: FastValidate;
}

const ENTRIES = new Map<string, TypeEntry>();

const fail = (reason: DeadLetterReason, message: string, field?: string): DecodeFailure =>
  field === undefined ? { ok: false, reason, message } : { ok: false, reason, field, message };

/** A value echoed into a message, quoted and cut short (messages never carry unbounded input). */
const echo = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

/**
 * Decodes one Kafka message of an input stream into a domain Fact, or says why it must go to the
 * dead-letter topic. Checks, in order: size, JSON, object, type (known, on this stream),
 * schemaVersion, schema, key. Never throws.
 */
export function decodeInputEvent(
  stream: InputStream,
  key: Buffer | null,
  value: Buffer | null,
  maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): DecodeResult {
  if (value !== null && value.length > maxBytes) {
    return fail(
      'TOO_LARGE',
      `the message value is ${value.length} bytes, more than the maximum of ${maxBytes}`,
    );
  }
  if (value === null || value.length === 0) return fail('NOT_JSON', 'the message value is empty (tombstone)');
  if (!isUtf8(value)) return fail('NOT_JSON', 'the message value is not valid UTF-8');

  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    const detail = (error as Error).message;
    return fail(
      'NOT_JSON',
      `the message value is not valid JSON: ${detail.length > 200 ? detail.slice(0, 200) : detail}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('NOT_AN_OBJECT', `the message value must be a JSON object, not ${kindOf(parsed)}`);
  }
  const envelope = parsed as Record<string, unknown>;

  const type = envelope.type;
  if (typeof type !== 'string') {
    return type === undefined
      ? fail('VALIDATION_FAILED', 'type is required', 'type')
      : fail('VALIDATION_FAILED', `type must be a string, not ${kindOf(type)}`, 'type');
  }
  const entry = ENTRIES.get(type);
  if (entry === undefined)
    return fail('UNKNOWN_TYPE', `type ${echo(type)} is not a known event type`, 'type');
  if (entry.stream !== stream) {
    return fail(
      'WRONG_TOPIC',
      `type ${echo(type)} belongs to the ${entry.stream} stream, not to ${stream}`,
      'type',
    );
  }

  const schemaVersion = envelope.schemaVersion;
  if (typeof schemaVersion === 'number' && schemaVersion !== 1) {
    return fail(
      'UNSUPPORTED_SCHEMA_VERSION',
      `schemaVersion ${echo(schemaVersion)} is not supported (supported: 1)`,
      'schemaVersion',
    );
  }

  // The fast path answers for valid events; a rejection is confirmed and worded by ajv.
  const fast = (entry.fast ??= fastInputValidator(entry.type));
  if (!fast(envelope)) {
    const validate = (entry.validate ??= inputValidator(entry.type));
    if (!validate(envelope)) {
      const { field, message } = describeSchemaError(validate.errors![0]);
      return fail('VALIDATION_FAILED', message, field);
    }
  }

  const valid = envelope as unknown as Envelope;
  const expectedKey = customerKey(valid.companyId, valid.customerId);
  if (key === null || key.length === 0) {
    return fail('MISSING_KEY', `the message has no key; expected ${echo(expectedKey)}`, 'key');
  }
  const actualKey = key.toString('utf8');
  if (actualKey !== expectedKey) {
    return fail(
      'KEY_MISMATCH',
      `the message key ${echo(actualKey)} does not match companyId:customerId ${echo(expectedKey)}`,
      'key',
    );
  }

  return { ok: true, fact: entry.map(valid, valid.data) };
}

// ---------------------------------------------------------------------------------------------
// Mapping a validated envelope to the domain Fact
// ---------------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- the schema has validated `d` */
interface RawRef {
  amount: string;
  orderId?: string;
  deliveryId?: string;
  openItemId?: string;
}

function orderRefs(refs: RawRef[] | undefined): OrderRef[] {
  if (refs === undefined) return [];
  const out: OrderRef[] = new Array(refs.length);
  for (let i = 0; i < refs.length; i++)
    out[i] = { orderId: refs[i].orderId!, amount: parseMoney(refs[i].amount) };
  return out;
}

function deliveryRefs(refs: RawRef[] | undefined): DeliveryRef[] {
  if (refs === undefined) return [];
  const out: DeliveryRef[] = new Array(refs.length);
  for (let i = 0; i < refs.length; i++) {
    out[i] = { deliveryId: refs[i].deliveryId!, amount: parseMoney(refs[i].amount) };
  }
  return out;
}

function settlements(refs: RawRef[]): Settlement[] {
  const out: Settlement[] = new Array(refs.length);
  for (let i = 0; i < refs.length; i++)
    out[i] = { openItemId: refs[i].openItemId!, amount: parseMoney(refs[i].amount) };
  return out;
}

interface RawLine {
  lineId: string;
  side: 'debit' | 'credit';
  amount: string;
  invoiceRef?: string;
  openItemId?: string;
  dueDate?: string;
  settles?: RawRef[];
}

function journalLines(raw: RawLine[]): JournalLine[] {
  const lines: JournalLine[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const line: JournalLine = { lineId: r.lineId, side: r.side, amount: parseMoney(r.amount) };
    if (r.invoiceRef !== undefined) line.invoiceRef = r.invoiceRef;
    if (r.side === 'debit') {
      // The schema guarantees both or neither on a debit line.
      if (r.openItemId !== undefined) {
        line.openItemId = r.openItemId;
        line.dueDate = r.dueDate;
      }
    } else if (r.settles !== undefined) {
      // openItemId / dueDate are ignored on credit lines: only a debit line opens an open item.
      line.settles = settlements(r.settles);
    }
    lines[i] = line;
  }
  return lines;
}

type Mapper<T extends InputEventType> = (e: Envelope, d: any) => FactOf<T>;

/** One small function per type, each building its fact as one literal (absent optionals stay absent). */
const MAPPERS: { [T in InputEventType]: Mapper<T> } = {
  'order.confirmed': (e, d) => {
    const f: FactOf<'order.confirmed'> = {
      type: 'order.confirmed',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      orderId: d.orderId,
      amount: parseMoney(d.amount),
    };
    if (d.orderDate !== undefined) f.orderDate = d.orderDate;
    if (d.paymentTermsDays !== undefined) f.paymentTermsDays = d.paymentTermsDays;
    return f;
  },
  'order.closed': (e, d) => ({
    type: 'order.closed',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    orderId: d.orderId,
    reason: d.reason,
  }),
  'delivery.issued': (e, d) => {
    const f: FactOf<'delivery.issued'> = {
      type: 'delivery.issued',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      deliveryId: d.deliveryId,
      amount: parseMoney(d.amount),
      orderRefs: orderRefs(d.orderRefs),
    };
    if (d.deliveryDate !== undefined) f.deliveryDate = d.deliveryDate;
    return f;
  },
  'delivery.cancelled': (e, d) => ({
    type: 'delivery.cancelled',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    deliveryId: d.deliveryId,
  }),
  'invoice.issued': (e, d) => {
    const f: FactOf<'invoice.issued'> = {
      type: 'invoice.issued',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      invoiceId: d.invoiceId,
      kind: d.kind,
      amount: parseMoney(d.amount),
      deliveryRefs: deliveryRefs(d.deliveryRefs),
      orderRefs: orderRefs(d.orderRefs),
    };
    if (d.invoiceDate !== undefined) f.invoiceDate = d.invoiceDate;
    return f;
  },
  'invoice.cancelled': (e, d) => ({
    type: 'invoice.cancelled',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    invoiceId: d.invoiceId,
  }),
  'document.checkRequested': (e, d) => {
    const f: FactOf<'document.checkRequested'> = {
      type: 'document.checkRequested',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      documentType: d.documentType,
      documentId: d.documentId,
      amount: parseMoney(d.amount),
      orderRefs: orderRefs(d.orderRefs),
      deliveryRefs: deliveryRefs(d.deliveryRefs),
    };
    if (d.requestedBy !== undefined) f.requestedBy = d.requestedBy;
    if (d.paymentTermsDays !== undefined) f.paymentTermsDays = d.paymentTermsDays;
    return f;
  },
  'journal.posted': (e, d) => ({
    type: 'journal.posted',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    entryId: d.entryId,
    postingDate: d.postingDate,
    lines: journalLines(d.lines),
  }),
  'journal.reversed': (e, d) => ({
    type: 'journal.reversed',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    entryId: d.entryId,
  }),
  'bill.issued': (e, d) => ({
    type: 'bill.issued',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    billId: d.billId,
    amount: parseMoney(d.amount),
    dueDate: d.dueDate,
    instrument: d.instrument,
  }),
  'bill.presented': (e, d) => {
    const f: FactOf<'bill.presented'> = {
      type: 'bill.presented',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      billId: d.billId,
      presentedAt: d.presentedAt,
    };
    if (d.bankId !== undefined) f.bankId = d.bankId;
    return f;
  },
  'bill.collected': (e, d) => ({
    type: 'bill.collected',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    billId: d.billId,
    collectedAt: d.collectedAt,
  }),
  'bill.dishonoured': (e, d) => {
    const f: FactOf<'bill.dishonoured'> = {
      type: 'bill.dishonoured',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      billId: d.billId,
      dishonouredAt: d.dishonouredAt,
    };
    if (d.reason !== undefined) f.reason = d.reason;
    return f;
  },
  'bill.cancelled': (e, d) => ({
    type: 'bill.cancelled',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    billId: d.billId,
  }),
  'creditLimit.set': (e, d) => {
    const f: FactOf<'creditLimit.set'> = {
      type: 'creditLimit.set',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      amount: parseMoney(d.amount),
      mode: d.mode,
      attentionThresholdPct: d.attentionThresholdPct ?? CREDIT_LIMIT_DEFAULTS.attentionThresholdPct,
      blockOnOverdue: d.blockOnOverdue ?? CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
      overdueToleranceDays: d.overdueToleranceDays ?? CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
      setBy: d.setBy,
    };
    if (d.validUntil !== undefined) f.validUntil = d.validUntil;
    // The schema guarantees both or neither.
    if (d.temporaryAmount !== undefined) {
      f.temporaryAmount = parseMoney(d.temporaryAmount);
      f.temporaryUntil = d.temporaryUntil;
    }
    if (d.reason !== undefined) f.reason = d.reason;
    return f;
  },
  'creditLimit.removed': (e, d) => {
    const f: FactOf<'creditLimit.removed'> = {
      type: 'creditLimit.removed',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      removedBy: d.removedBy,
    };
    if (d.reason !== undefined) f.reason = d.reason;
    return f;
  },
  'creditClass.assigned': (e, d) => {
    const f: FactOf<'creditClass.assigned'> = {
      type: 'creditClass.assigned',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      code: d.code,
      maxPaymentTermsDays: d.maxPaymentTermsDays,
      maxDocumentAmount: d.maxDocumentAmount == null ? null : parseMoney(d.maxDocumentAmount),
      reviewEveryDays: d.reviewEveryDays ?? null,
      assignedBy: d.assignedBy,
    };
    if (d.description !== undefined) f.description = d.description;
    if (d.reason !== undefined) f.reason = d.reason;
    return f;
  },
  'creditClass.removed': (e, d) => {
    const f: FactOf<'creditClass.removed'> = {
      type: 'creditClass.removed',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      removedBy: d.removedBy,
    };
    if (d.reason !== undefined) f.reason = d.reason;
    return f;
  },
  'manualBlock.set': (e, d) => ({
    type: 'manualBlock.set',
    eventId: e.eventId,
    occurredAt: e.occurredAt,
    companyId: e.companyId,
    customerId: e.customerId,
    reason: d.reason,
    until: d.until ?? null,
    setBy: d.setBy,
  }),
  'manualBlock.removed': (e, d) => {
    const f: FactOf<'manualBlock.removed'> = {
      type: 'manualBlock.removed',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      removedBy: d.removedBy,
    };
    if (d.reason !== undefined) f.reason = d.reason;
    return f;
  },
  'collectionAction.recorded': (e, d) => {
    const f: FactOf<'collectionAction.recorded'> = {
      type: 'collectionAction.recorded',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      actionId: d.actionId,
      actionType: d.actionType,
      text: d.text,
      recordedBy: d.recordedBy,
    };
    if (d.promise !== undefined) f.promise = { amount: parseMoney(d.promise.amount), date: d.promise.date };
    if (d.stage !== undefined) f.stage = d.stage;
    if (d.assignee !== undefined) f.assignee = d.assignee;
    return f;
  },
  'customer.updated': (e, d) => {
    const f: FactOf<'customer.updated'> = {
      type: 'customer.updated',
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      companyId: e.companyId,
      customerId: e.customerId,
      name: d.name,
    };
    if (d.vatNumber !== undefined) f.vatNumber = d.vatNumber;
    if (d.salesAgentId !== undefined) f.salesAgentId = d.salesAgentId;
    if (d.paymentTermsDays !== undefined) f.paymentTermsDays = d.paymentTermsDays;
    if (d.email !== undefined) f.email = d.email;
    return f;
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

for (const stream of INPUT_STREAMS) {
  for (const type of STREAM_EVENT_TYPES[stream]) {
    ENTRIES.set(type, { stream, type, map: MAPPERS[type] as (e: Envelope, data: unknown) => Fact });
  }
}
