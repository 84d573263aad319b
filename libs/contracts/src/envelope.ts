import type { LiveEvent } from './resources';

/** The envelope of an output event with its data, as consumers of the output topics read it. */
export type OutputEnvelope = LiveEvent;

/**
 * Reads the envelope of one output event (any output topic, any type, so later
 * types pass through); null for anything that is not a well-formed event.
 */
export function outputEnvelopeOf(value: Buffer | null): OutputEnvelope | null {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const e = parsed as Record<string, unknown>;
  const strings = ['eventId', 'type', 'companyId', 'customerId', 'occurredAt'] as const;
  if (!strings.every((name) => typeof e[name] === 'string')) return null;
  const data = typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : {};
  return {
    eventId: e.eventId as string,
    type: e.type as string,
    companyId: e.companyId as string,
    customerId: e.customerId as string,
    occurredAt: e.occurredAt as string,
    data,
  };
}
