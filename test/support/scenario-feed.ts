import { customerKey, LIMITS, RawEnvelope, encodeInputEvent, InputStream } from '@credit/contracts';
import { TopicNames } from '@credit/config';
import { Streams } from './reference';

export interface BadInput {
  stream: InputStream;
  key: string;
  value: Buffer;
  reason: string;
  /** What was wrong with it (several kinds share a dead-letter reason). */
  kind: PoisonKind;
}

/** Every kind of invalid input the suites inject, and the dead-letter reason each must get. */
export const POISON_REASONS = {
  NOT_JSON: 'NOT_JSON',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  KEY_MISMATCH: 'KEY_MISMATCH',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  UNSUPPORTED_SCHEMA_VERSION: 'UNSUPPORTED_SCHEMA_VERSION',
  TOO_LARGE: 'TOO_LARGE',
  DEEP_NESTING: 'VALIDATION_FAILED',
  BAD_MONEY: 'VALIDATION_FAILED',
  BAD_DATE: 'VALIDATION_FAILED',
  NEGATIVE_AMOUNT: 'VALIDATION_FAILED',
  NOT_AN_OBJECT: 'NOT_AN_OBJECT',
  MISSING_KEY: 'MISSING_KEY',
  /** Text Postgres cannot store (issue #12): NUL, an unpaired surrogate, one character too many. */
  NUL_TEXT: 'VALIDATION_FAILED',
  LONE_SURROGATE: 'VALIDATION_FAILED',
  OVERLONG_TEXT: 'VALIDATION_FAILED',
} as const;

export type PoisonKind = keyof typeof POISON_REASONS;

export const ALL_POISON_KINDS = Object.keys(POISON_REASONS) as PoisonKind[];

export interface BadInputOptions {
  /** Kinds made, in turn; the original five by default. TOO_LARGE needs `maxEventBytes`. */
  kinds?: PoisonKind[];
  /** The engine's MAX_EVENT_BYTES: a TOO_LARGE input is a valid event padded beyond it. */
  maxEventBytes?: number;
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
export function picker(seed: number) {
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
  options: BadInputOptions = {},
): { streams: Streams; bad: BadInput[] } {
  const random = picker(seed);
  const result: Streams = {};
  const bad: BadInput[] = [];
  const kinds =
    options.kinds ??
    ([
      'NOT_JSON',
      'VALIDATION_FAILED',
      'KEY_MISMATCH',
      'UNKNOWN_TYPE',
      'UNSUPPORTED_SCHEMA_VERSION',
    ] as PoisonKind[]);
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    const duplicates = envelopes.filter(() => random() < duplicateShare);
    result[stream] = [...envelopes, ...duplicates];
  }
  const all = (Object.entries(streams) as [InputStream, RawEnvelope[]][]).flatMap(([stream, list]) =>
    list.map((envelope) => ({ stream, envelope })),
  );
  const withAmount = all.filter(({ envelope }) => envelope.type === 'order.confirmed');
  for (let i = 0; i < badCount; i++) {
    const kind = kinds[i % kinds.length];
    const pool =
      (kind === 'NEGATIVE_AMOUNT' || kind === 'BAD_MONEY' || kind === 'DEEP_NESTING') && withAmount.length > 0
        ? withAmount
        : all;
    const { stream, envelope } = pool[Math.floor(random() * pool.length)];
    bad.push({ stream, kind, reason: POISON_REASONS[kind], ...poison(kind, i, envelope, options) });
  }
  return { streams: result, bad };
}

/** One invalid message made out of a real event: its key and bytes. */
function poison(
  kind: PoisonKind,
  i: number,
  envelope: RawEnvelope,
  options: BadInputOptions,
): { key: string; value: Buffer } {
  const key = customerKey(envelope.companyId, envelope.customerId);
  const broken = { ...envelope, eventId: `bad-${i}-${envelope.eventId}` };
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  const encoded = (e: RawEnvelope) => ({ key, value: encodeInputEvent(e) });
  switch (kind) {
    case 'NOT_JSON':
      return { key, value: Buffer.from(`{"eventId":"bad-${i}", ${'{'.repeat(3)}`) };
    case 'VALIDATION_FAILED':
      return encoded({ ...broken, occurredAt: '2026-02-30T10:00:00+01:00' });
    case 'KEY_MISMATCH':
      return { key: `${envelope.companyId}:SOMEONE-ELSE`, value: encodeInputEvent(broken) };
    case 'MISSING_KEY':
      return { key: '', value: encodeInputEvent(broken) };
    case 'UNKNOWN_TYPE':
      return encoded({ ...broken, type: 'order.teleported' });
    case 'UNSUPPORTED_SCHEMA_VERSION':
      return encoded({ ...broken, schemaVersion: 2 });
    case 'NOT_AN_OBJECT':
      return { key, value: Buffer.from(JSON.stringify([broken])) };
    case 'TOO_LARGE': {
      if (options.maxEventBytes === undefined) throw new Error('TOO_LARGE needs maxEventBytes');
      const padding = 'x'.repeat(options.maxEventBytes + 1);
      return encoded({ ...broken, data: { ...data, note: padding } });
    }
    case 'DEEP_NESTING': {
      // 20,000 levels: enough to overflow a naive recursive walk, far below the size limit.
      const nested = '['.repeat(20_000) + ']'.repeat(20_000);
      const text = encodeInputEvent(broken).toString('utf8');
      return { key, value: Buffer.from(text.replace(/"amount":"[^"]*"/, `"amount":${nested}`)) };
    }
    case 'BAD_MONEY':
      return encoded({ ...broken, data: { ...data, amount: i % 2 === 0 ? 1200.5 : '1.234,50' } });
    case 'BAD_DATE': {
      const dateField = Object.keys(data).find((name) => /(Date|At)$/.test(name));
      return dateField
        ? encoded({ ...broken, data: { ...data, [dateField]: '2026-13-45' } })
        : encoded({ ...broken, occurredAt: 'yesterday' });
    }
    case 'NEGATIVE_AMOUNT':
      return encoded({ ...broken, data: { ...data, amount: '-25.00' } });
    case 'NUL_TEXT':
      return encoded(withText(broken, (text) => `${text}\u0000`));
    case 'LONE_SURROGATE':
      return encoded(withText(broken, (text) => `\uD800${text}`));
    case 'OVERLONG_TEXT':
      // Beyond the longest free text of all (a name), so beyond whichever field it lands in.
      return encoded(withText(broken, (text) => text.padEnd(LIMITS.nameMaxLength + 1, '0')));
  }
}

/** The event with its first free text of `data` (an id, who set a limit, a name) changed; else its eventId. */
function withText(envelope: RawEnvelope, change: (text: string) => string): RawEnvelope {
  const data = (envelope.data ?? {}) as Record<string, unknown>;
  const field = Object.keys(data).find(
    (name) => typeof data[name] === 'string' && /(Id|By|name)$/.test(name),
  );
  return field
    ? { ...envelope, data: { ...data, [field]: change(data[field] as string) } }
    : { ...envelope, eventId: change(envelope.eventId) };
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
      key: customerKey(e.companyId, e.customerId),
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
