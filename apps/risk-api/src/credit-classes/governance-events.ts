import { BadRequestException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  decodeInputEvent,
  InputEventType,
  customerKey,
  RawDataByType,
  RawEnvelope,
  STREAM_EVENT_TYPES,
} from '@credit/contracts';
import { OutboundMessage } from '@credit/kafka';

export type GovernanceEventType =
  | 'creditClass.assigned'
  | 'creditClass.removed'
  | 'manualBlock.set'
  | 'manualBlock.removed'
  | 'collectionAction.recorded';

/**
 * collectionAction.recorded (spec section 12): an action on a customer's
 * collection case, folded by the engine (promises, stage, assignee; calls and
 * notes change no figure). Money as a decimal string.
 */
export interface CollectionActionRecordedData {
  actionId: string;
  actionType: 'call' | 'note' | 'promise' | 'stage' | 'assign';
  text: string;
  recordedBy: string;
  promise?: { amount: string; date: string };
  stage?: 'legal' | 'written-off';
  assignee?: string;
}

/** The data of each event type the API publishes on risk.credit-limits. */
export type GovernanceData = {
  [T in Exclude<GovernanceEventType, 'collectionAction.recorded'>]: RawDataByType[T];
} & { 'collectionAction.recorded': CollectionActionRecordedData };

/**
 * One risk.credit-limits event the API publishes through its outbox, keyed
 * companyId:customerId. What the engine's decoder would dead-letter is refused
 * (400) before anything is written; the check applies to every type the
 * contract's creditLimits stream declares.
 */
export function governanceMessage<T extends GovernanceEventType>(
  topic: string,
  companyId: string,
  customerId: string,
  type: T,
  data: GovernanceData[T],
  occurredAt: Date,
  eventId: string = randomUUID(),
): { eventId: string; message: OutboundMessage } {
  const envelope: RawEnvelope = {
    eventId,
    type,
    schemaVersion: 1,
    occurredAt: occurredAt.toISOString(),
    companyId,
    customerId,
    data: data as unknown as Record<string, unknown>,
  };
  const key = customerKey(companyId, customerId);
  const value = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (STREAM_EVENT_TYPES.creditLimits.includes(type as unknown as InputEventType)) {
    const decoded = decodeInputEvent('creditLimits', Buffer.from(key, 'utf8'), value);
    if (!decoded.ok) {
      throw new BadRequestException(
        `the ${type} event would be rejected by the contract: ${decoded.message}`,
      );
    }
  }
  return { eventId: envelope.eventId, message: { topic, key, value } };
}
