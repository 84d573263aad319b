import { keyOf, RawEnvelope, encodeInputEvent, InputStream } from '@credit/contracts';
import { TopicNames } from '@credit/config';
import { Streams } from './reference';

export interface BadInput {
  stream: InputStream;
  key: string;
  value: Buffer;
  reason: string;
}

const STREAM_TOPIC: Record<InputStream, keyof TopicNames> = {
  documents: 'documents',
  journalEntries: 'journalEntries',
  billPortfolio: 'billPortfolio',
  creditLimits: 'creditLimits',
  customers: 'customers',
};

export const topicOf = (topics: TopicNames, stream: InputStream) => topics[STREAM_TOPIC[stream]];

/** A deterministic pseudo-random choice, so a failing run can be repeated. */
function picker(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Adds re-sent duplicates (same eventId, possibly other content, later in the
 * same topic and partition) to the streams, and makes bad inputs of every kind
 * out of real events, each with the reason the dead-letter topic must give.
 */
export function withDuplicatesAndBadInput(
  streams: Streams,
  seed: number,
  duplicateShare = 0.1,
  badCount = 20,
): { streams: Streams; bad: BadInput[] } {
  const random = picker(seed);
  const result: Streams = {};
  const bad: BadInput[] = [];
  const kinds = [
    'NOT_JSON',
    'VALIDATION_FAILED',
    'KEY_MISMATCH',
    'UNKNOWN_TYPE',
    'UNSUPPORTED_SCHEMA_VERSION',
  ];
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    const duplicates = envelopes.filter(() => random() < duplicateShare);
    result[stream] = [...envelopes, ...duplicates];
  }
  const all = (Object.entries(streams) as [InputStream, RawEnvelope[]][]).flatMap(([stream, list]) =>
    list.map((envelope) => ({ stream, envelope })),
  );
  for (let i = 0; i < badCount; i++) {
    const { stream, envelope } = all[Math.floor(random() * all.length)];
    const key = keyOf(envelope.companyId, envelope.customerId);
    const kind = kinds[i % kinds.length];
    const broken = { ...envelope, eventId: `bad-${i}-${envelope.eventId}` };
    switch (kind) {
      case 'NOT_JSON':
        bad.push({
          stream,
          key,
          value: Buffer.from(`{"eventId":"bad-${i}", ${'{'.repeat(3)}`),
          reason: kind,
        });
        break;
      case 'VALIDATION_FAILED':
        bad.push({
          stream,
          key,
          value: encodeInputEvent({ ...broken, occurredAt: '2026-02-30T10:00:00+01:00' }),
          reason: kind,
        });
        break;
      case 'KEY_MISMATCH':
        bad.push({
          stream,
          key: `${envelope.companyId}:SOMEONE-ELSE`,
          value: encodeInputEvent(broken),
          reason: kind,
        });
        break;
      case 'UNKNOWN_TYPE':
        bad.push({
          stream,
          key,
          value: encodeInputEvent({ ...broken, type: 'order.teleported' }),
          reason: kind,
        });
        break;
      default:
        bad.push({ stream, key, value: encodeInputEvent({ ...broken, schemaVersion: 2 }), reason: kind });
    }
  }
  return { streams: result, bad };
}

/** Produces the streams (and bad inputs, spread among them) in batches, each topic in its own order. */
export async function produceAll(
  send: (topic: string, messages: { key: string; value: Buffer }[]) => Promise<unknown>,
  topics: TopicNames,
  streams: Streams,
  bad: BadInput[] = [],
  batchSize = 500,
): Promise<void> {
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    const messages = envelopes.map((e) => ({
      key: keyOf(e.companyId, e.customerId),
      value: encodeInputEvent(e),
    }));
    bad
      .filter((b) => b.stream === stream)
      .forEach((b, i) => {
        messages.splice(Math.min(messages.length, (i + 1) * 37), 0, { key: b.key, value: b.value });
      });
    for (let i = 0; i < messages.length; i += batchSize) {
      await send(topicOf(topics, stream), messages.slice(i, i + batchSize));
    }
  }
}
