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
  'creditClass.assigned' | 'creditClass.removed' | 'manualBlock.set' | 'manualBlock.removed';

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
  data: RawDataByType[T],
  occurredAt: Date,
): { eventId: string; message: OutboundMessage } {
  const envelope: RawEnvelope = {
    eventId: randomUUID(),
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
