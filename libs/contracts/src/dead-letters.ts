import { DeadLetterRecord, deterministicEventId, validateDeadLetterHeaders } from './outputs';
import type { DeadLetterReason } from './decode';

/** A message read back from the dead-letter topic: the structured record and the original bytes. */
export interface ReadDeadLetter {
  record: DeadLetterRecord;
  /** The original key and value, byte-identical (value null for a tombstone). */
  key: Buffer | null;
  value: Buffer | null;
  /** What the original JSON says of itself, when it is JSON and says it (for filters and access). */
  companyId: string | null;
  customerId: string | null;
  eventType: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The envelope fields of a rejected input, when it is a JSON object that has them. */
function envelopeOf(value: Buffer | null): {
  companyId: string | null;
  customerId: string | null;
  type: string | null;
} {
  try {
    const parsed: unknown = value === null ? null : JSON.parse(value.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>;
      return { companyId: text(o.companyId), customerId: text(o.customerId), type: text(o.type) };
    }
  } catch {
    // Not JSON: one of the reasons it is a dead letter.
  }
  return { companyId: null, customerId: null, type: null };
}

/**
 * Reads a message of the dead-letter topic (deadLetterMessage() wrote it):
 * the `dlq.*` headers back into a DeadLetterRecord. A message whose headers do
 * not follow the published schema is refused with the field and the rule.
 */
export function readDeadLetter(
  key: Buffer | null,
  value: Buffer | null,
  headers: Record<string, string>,
): { ok: true; letter: ReadDeadLetter } | { ok: false; message: string } {
  const valid = validateDeadLetterHeaders(headers);
  if (!valid.ok) return { ok: false, message: `dead-letter headers: ${valid.message}` };
  const original = headers['dlq.tombstone'] === 'true' ? null : (value ?? Buffer.alloc(0));
  const record: DeadLetterRecord = {
    eventId: headers['dlq.eventId'],
    type: 'input.rejected',
    schemaVersion: 1,
    occurredAt: headers['dlq.occurredAt'],
    reason: headers['dlq.reason'] as DeadLetterReason,
    message: headers['dlq.message'],
    source: {
      topic: headers['dlq.topic'],
      partition: Number(headers['dlq.partition']),
      offset: headers['dlq.offset'],
      key: key === null ? null : key.toString('base64'),
      timestamp: headers['dlq.timestamp'] ?? null,
    },
    originalBase64: original === null ? null : original.toString('base64'),
  };
  if (headers['dlq.field'] !== undefined) record.field = headers['dlq.field'];
  const envelope = envelopeOf(original);
  return {
    ok: true,
    letter: {
      record,
      key,
      value: original,
      companyId: envelope.companyId,
      customerId: envelope.customerId,
      eventType: envelope.type,
    },
  };
}

/** The eventId of the corrected copy of a dead letter: new, and the same if the re-drive is retried. */
export const redrivenEventId = (deadLetterEventId: string): string =>
  deterministicEventId('input.redriven', deadLetterEventId);

/** Header naming, on a re-driven input, the dead letter it corrects. */
export const REDRIVEN_FROM_HEADER = 'redrive.deadLetterEventId';
