import { customerKey } from './customer-key';
import { randomUUID } from 'node:crypto';
import {
  BillInstrument,
  DocumentType,
  InvoiceKind,
  LimitMode,
  OrderCloseReason,
} from '../../domain/src/facts';
import type { InputEventType } from './schemas';

/** The raw JSON envelope of an input event, as it travels on Kafka (money as strings). */
export type RawEnvelope = {
  eventId: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  companyId: string;
  customerId: string;
  data: Record<string, unknown>;
};

/** Wire forms of the `data` of each input event type (section 3): money and dates are strings. */
export interface RawOrderRef {
  orderId: string;
  amount: string;
}
export interface RawDeliveryRef {
  deliveryId: string;
  amount: string;
}
export interface RawJournalLine {
  lineId: string;
  side: 'debit' | 'credit';
  amount: string;
  invoiceRef?: string;
  openItemId?: string;
  dueDate?: string;
  settles?: { openItemId: string; amount: string }[];
}

export interface RawDataByType {
  'order.confirmed': { orderId: string; amount: string; orderDate?: string; paymentTermsDays?: number };
  'order.closed': { orderId: string; reason: OrderCloseReason };
  'delivery.issued': { deliveryId: string; amount: string; deliveryDate?: string; orderRefs?: RawOrderRef[] };
  'delivery.cancelled': { deliveryId: string };
  'invoice.issued': {
    invoiceId: string;
    kind: InvoiceKind;
    amount: string;
    invoiceDate?: string;
    deliveryRefs?: RawDeliveryRef[];
    orderRefs?: RawOrderRef[];
  };
  'invoice.cancelled': { invoiceId: string };
  'document.checkRequested': {
    documentType: DocumentType;
    documentId: string;
    amount: string;
    orderRefs?: RawOrderRef[];
    deliveryRefs?: RawDeliveryRef[];
    requestedBy?: string;
    paymentTermsDays?: number;
  };
  'journal.posted': { entryId: string; postingDate: string; lines: RawJournalLine[] };
  'journal.reversed': { entryId: string };
  'bill.issued': { billId: string; amount: string; dueDate: string; instrument: BillInstrument };
  'bill.presented': { billId: string; presentedAt: string; bankId?: string };
  'bill.collected': { billId: string; collectedAt: string };
  'bill.dishonoured': { billId: string; dishonouredAt: string; reason?: string };
  'bill.cancelled': { billId: string };
  'creditLimit.set': {
    amount: string;
    mode: LimitMode;
    attentionThresholdPct?: number;
    validUntil?: string;
    temporaryAmount?: string;
    temporaryUntil?: string;
    blockOnOverdue?: boolean;
    overdueToleranceDays?: number;
    setBy: string;
    reason?: string;
  };
  'creditLimit.removed': { removedBy: string; reason?: string };
  'creditClass.assigned': {
    code: string;
    description?: string;
    maxPaymentTermsDays: number;
    maxDocumentAmount?: string | null;
    reviewEveryDays?: number | null;
    assignedBy: string;
    reason?: string;
  };
  'creditClass.removed': { removedBy: string; reason?: string };
  'manualBlock.set': { reason: string; until?: string | null; setBy: string };
  'manualBlock.removed': { removedBy: string; reason?: string };
  'collectionAction.recorded': {
    actionId: string;
    actionType: 'call' | 'note' | 'promise' | 'stage' | 'assign';
    text: string;
    recordedBy: string;
    promise?: { amount: string; date: string };
    stage?: 'legal' | 'written-off';
    assignee?: string;
  };
  'customer.updated': {
    name: string;
    vatNumber?: string;
    salesAgentId?: string;
    paymentTermsDays?: number;
    email?: string;
  };
}

/** Envelope fields that rawEvent fills in unless given. */
export type EnvelopeOverrides = Partial<Omit<RawEnvelope, 'type' | 'data'>>;

export const RAW_ENVELOPE_DEFAULTS = {
  schemaVersion: 1,
  occurredAt: '2026-03-01T10:15:00+01:00',
  companyId: 'IT01',
  customerId: 'C000123',
} as const;

/** A typed, valid-by-construction raw envelope (eventId random unless given). */
export function rawEvent<T extends InputEventType>(
  type: T,
  data: RawDataByType[T],
  overrides: EnvelopeOverrides = {},
): RawEnvelope {
  return rawEnvelope(type, data as unknown as Record<string, unknown>, overrides);
}

/** An untyped raw envelope: any type string, any data (for tests of invalid input). */
export function rawEnvelope(
  type: string,
  data: Record<string, unknown>,
  overrides: EnvelopeOverrides = {},
): RawEnvelope {
  return {
    eventId: overrides.eventId ?? randomUUID(),
    type,
    schemaVersion: overrides.schemaVersion ?? RAW_ENVELOPE_DEFAULTS.schemaVersion,
    occurredAt: overrides.occurredAt ?? RAW_ENVELOPE_DEFAULTS.occurredAt,
    companyId: overrides.companyId ?? RAW_ENVELOPE_DEFAULTS.companyId,
    customerId: overrides.customerId ?? RAW_ENVELOPE_DEFAULTS.customerId,
    data,
  };
}

/** Serialises an envelope (money already strings) to the bytes of a Kafka message value. */
export function encodeInputEvent(envelope: RawEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/** The Kafka message of an input event: key `<companyId>:<customerId>`, value the JSON. */
export function inputMessage(envelope: RawEnvelope): { key: Buffer; value: Buffer } {
  return {
    key: Buffer.from(customerKey(envelope.companyId, envelope.customerId), 'utf8'),
    value: encodeInputEvent(envelope),
  };
}
