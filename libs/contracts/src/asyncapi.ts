import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEAD_LETTER_EXAMPLES, INPUT_EXAMPLES, NOTIFICATION_EXAMPLES, OUTPUT_EXAMPLES } from './examples';
import {
  DEAD_LETTER_HEADERS_SCHEMA,
  DEAD_LETTER_RECORD_SCHEMA,
  DEFAULT_TOPICS,
  INPUT_STREAMS,
  InputEventType,
  InputStream,
  JsonSchema,
  LIMITS,
  NOTIFICATION_EVENT_TYPES,
  NotificationEventType,
  notificationEventSchema,
  OUTPUT_STREAM_EVENT_TYPES,
  OutputEventType,
  PATTERNS,
  STREAM_EVENT_TYPES,
  inputEventSchema,
  outputEventSchema,
} from './schemas';

/**
 * docs/asyncapi.json is GENERATED from the schemas the decoder compiles, so the published contract
 * cannot drift from the validator (asyncapi.spec.ts checks the committed file).
 *
 * Regenerate: `UPDATE_ASYNCAPI=1 npx jest --selectProjects unit libs/contracts/src/asyncapi`
 * (or, after `npm run build`, `node dist/libs/contracts/src/asyncapi.js`).
 */
export const ASYNCAPI_PATH = 'docs/asyncapi.json';

const KAFKA_BINDING_VERSION = '0.5.0';

const KEY_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: `^${PATTERNS.companyId.slice(1, -1)}:${PATTERNS.customerId.slice(1, -1)}$`,
  description:
    'UTF-8 `<companyId>:<customerId>`. It must equal the companyId and customerId of the body ' +
    '(otherwise KEY_MISMATCH / MISSING_KEY), so all events of a customer are in one partition, in order.',
};

const INPUT_SUMMARIES: Record<InputEventType, string> = {
  'order.confirmed': 'Upsert: the order exists with this gross value (a later one amends it).',
  'order.closed': "The order's residual no longer counts.",
  'delivery.issued': 'Upsert of a delivery note; orderRefs says how much of which orders it fulfils.',
  'delivery.cancelled': 'The delivery and its order consumption are void.',
  'invoice.issued': 'Upsert of an invoice or credit note, not yet posted.',
  'invoice.cancelled': 'The invoice and its consumption of deliveries/orders are void.',
  'document.checkRequested': 'Asynchronous credit check of a document about to be created.',
  'journal.posted': "A posted journal entry (only the lines on the customer's receivable account).",
  'journal.reversed': 'Every effect of that entry is undone.',
  'bill.issued':
    'Upsert of a bill in the portfolio (at risk until collected, dishonoured, cancelled or expired).',
  'bill.presented': 'Presented to the bank subject to collection; still at risk.',
  'bill.collected': 'Paid: no longer at risk.',
  'bill.dishonoured': 'Returned unpaid (insoluto): no longer at risk as a bill; counts in payment behaviour.',
  'bill.cancelled': 'Void.',
  'creditLimit.set': 'The credit limit (fido) of the customer and how it is enforced.',
  'creditLimit.removed': 'The customer no longer has a credit limit.',
  'creditClass.assigned':
    "The customer's credit class and its terms (republished to every holder when the class changes).",
  'creditClass.removed': 'The customer no longer has a credit class: no terms or amount checks.',
  'manualBlock.set': 'The customer is blocked by hand (reason MANUAL) until removed or through `until`.',
  'manualBlock.removed': 'The manual block of the customer is lifted.',
  'collectionAction.recorded':
    'A collection action on the customer (spec 12): a call or note (no figure changes), a promise to pay, a stage change (legal blocks: LEGAL) or an assignment.',
  'customer.updated': 'Customer master data (compacted topic: the latest event per key is the record).',
};

const OUTPUT_SUMMARIES: Record<OutputEventType, string> = {
  'exposure.statusChanged': 'The limit status of the customer changed (NO_LIMIT, OK, WARNING, EXCEEDED).',
  'overdue.changed': 'The overdue breach, overdue amount or oldest overdue days changed.',
  'customer.blocked':
    'The customer became blocked, or its reasons changed (mode block and limit exceeded, expired or overdue; or a manual block).',
  'creditReview.due':
    "The customer's credit review fell due: its class's reviewEveryDays after the last class or limit change.",
  'customer.unblocked': 'The customer is no longer blocked.',
  'document.allowed': 'A checked document may be created.',
  'document.warned': 'A checked document may be created, with a warning.',
  'document.held': 'A checked document is held (blocked) and waits for a decision.',
  'document.released': 'A held document was released by exception (evasione in deroga).',
  'document.rejected': 'A held document was rejected.',
  'dunning.levelReached':
    "The customer's collection case reached a dunning level (by the clock: no input event needed); once per case and level.",
  'collection.stageChanged': 'A collection case moved to the legal or written-off stage.',
  'collection.closed': 'A collection case closed: payments brought the overdue residual below the minimum.',
  'promise.broken':
    'A promise to pay broke: on the day after its date, the settlements since it do not reach its amount.',
};

const NOTIFICATION_SUMMARIES: Record<NotificationEventType, string> = {
  'notification.delivered':
    'The notifier delivered an output event to a subscription (e-mail, webhook, inbox).',
  'notification.failed': 'The notifier gave up delivering an output event after its retry period.',
};

const STREAM_TITLES: Record<InputStream, string> = {
  documents: 'Sales documents: orders, delivery notes, invoices, credit checks',
  journalEntries: "Journal entries on the customer's receivable account",
  billPortfolio: 'Bill portfolio: RiBa, bills of exchange, direct debits',
  creditLimits: 'Credit limits, credit classes, manual blocks and collection actions',
  customers: 'Customer master data (compacted)',
};

const ref = (path: string): { $ref: string } => ({ $ref: path });
const messageRefs = (names: readonly string[]): Record<string, { $ref: string }> =>
  Object.fromEntries(names.map((name) => [name, ref(`#/components/messages/${name}`)]));
const operationMessages = (channel: string, names: readonly string[]): { $ref: string }[] =>
  names.map((name) => ref(`#/channels/${channel}/messages/${name}`));
const kafkaKey = (key: JsonSchema): JsonSchema => ({ kafka: { key, bindingVersion: KAFKA_BINDING_VERSION } });
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function buildAsyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const stream of INPUT_STREAMS) {
    const types = STREAM_EVENT_TYPES[stream];
    channels[stream] = {
      address: DEFAULT_TOPICS[stream],
      title: STREAM_TITLES[stream],
      description: `Input topic (default name ${DEFAULT_TOPICS[stream]}, configurable). Key: <companyId>:<customerId>.`,
      messages: messageRefs(types),
    };
    operations[`receive${stream[0].toUpperCase()}${stream.slice(1)}`] = {
      action: 'receive',
      channel: ref(`#/channels/${stream}`),
      summary: `The engine consumes ${DEFAULT_TOPICS[stream]}.`,
      messages: operationMessages(stream, types),
    };
    for (const type of types) {
      messages[type] = {
        name: type,
        title: type,
        summary: INPUT_SUMMARIES[type],
        contentType: 'application/json',
        payload: inputEventSchema(type),
        bindings: kafkaKey(KEY_SCHEMA),
        examples: INPUT_EXAMPLES[type].map((payload, i) => ({
          name: `${type}#${i + 1}`,
          payload: clone(payload),
        })),
      };
    }
  }

  const outputTitles = {
    breaches: 'Limit and overdue breaches',
    blocks: 'Customer blocks and document outcomes',
    collections: 'Collection cases: dunning levels, stages, closings, broken promises',
  } as const;
  for (const stream of ['breaches', 'blocks', 'collections'] as const) {
    const types = OUTPUT_STREAM_EVENT_TYPES[stream];
    channels[stream] = {
      address: DEFAULT_TOPICS[stream],
      title: outputTitles[stream],
      description:
        `Output topic (default name ${DEFAULT_TOPICS[stream]}, configurable). Key: <companyId>:<customerId>. ` +
        'eventId is deterministic for its cause: deduplicate on it.',
      messages: messageRefs(types),
    };
    operations[`send${stream[0].toUpperCase()}${stream.slice(1)}`] = {
      action: 'send',
      channel: ref(`#/channels/${stream}`),
      summary: `The engine publishes ${DEFAULT_TOPICS[stream]}.`,
      messages: operationMessages(stream, types),
    };
    for (const type of types) {
      messages[type] = {
        name: type,
        title: type,
        summary: OUTPUT_SUMMARIES[type],
        contentType: 'application/json',
        payload: outputEventSchema(type),
        bindings: kafkaKey(KEY_SCHEMA),
        examples: OUTPUT_EXAMPLES[type].map((payload, i) => ({
          name: `${type}#${i + 1}`,
          payload: clone(payload),
        })),
      };
    }
  }

  channels.notifications = {
    address: DEFAULT_TOPICS.notifications,
    title: 'Alert delivery outcomes',
    description:
      `Output topic (default name ${DEFAULT_TOPICS.notifications}, configurable). Key: <companyId>:<customerId> ` +
      'of the notified event. One event per delivery outcome; causationId is the notified eventId.',
    messages: messageRefs(NOTIFICATION_EVENT_TYPES),
  };
  operations.sendNotifications = {
    action: 'send',
    channel: ref('#/channels/notifications'),
    summary: `The notifier publishes ${DEFAULT_TOPICS.notifications}.`,
    messages: operationMessages('notifications', NOTIFICATION_EVENT_TYPES),
  };
  for (const type of NOTIFICATION_EVENT_TYPES) {
    messages[type] = {
      name: type,
      title: type,
      summary: NOTIFICATION_SUMMARIES[type],
      contentType: 'application/json',
      payload: notificationEventSchema(type),
      bindings: kafkaKey(KEY_SCHEMA),
      examples: NOTIFICATION_EXAMPLES[type].map((payload, i) => ({
        name: `${type}#${i + 1}`,
        payload: clone(payload),
      })),
    };
  }

  channels.deadLetter = {
    address: DEFAULT_TOPICS.deadLetter,
    title: 'Rejected input',
    description:
      `Output topic (default name ${DEFAULT_TOPICS.deadLetter}, configurable). Every input that cannot be applied, ` +
      'with its ORIGINAL key and value byte-identical and the reason in dlq.* headers.',
    messages: messageRefs(['input.rejected']),
  };
  operations.sendDeadLetter = {
    action: 'send',
    channel: ref('#/channels/deadLetter'),
    summary: `The engine publishes ${DEFAULT_TOPICS.deadLetter}.`,
    messages: operationMessages('deadLetter', ['input.rejected']),
  };
  messages['input.rejected'] = {
    name: 'input.rejected',
    title: 'input.rejected',
    summary: 'An input message that could not be applied.',
    description:
      'The value is the original message value, unchanged (it may be any bytes, or null for a tombstone); the ' +
      'key is the original key (it may be absent). The structured form of the same facts is the DeadLetterRecord ' +
      'schema.',
    contentType: 'application/octet-stream',
    headers: DEAD_LETTER_HEADERS_SCHEMA,
    payload: { type: 'string', description: 'The original message value, byte-identical.' },
    bindings: kafkaKey({ type: 'string', description: 'The original key, unchanged (may be absent).' }),
    examples: DEAD_LETTER_EXAMPLES.map((message, i) => ({
      name: `input.rejected#${i + 1}`,
      headers: { ...message.headers },
      payload: message.value === null ? null : message.value.toString('utf8'),
    })),
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Customer credit exposure: event contract',
      version: '1.0.0',
      description:
        'Input and output Kafka topics of the credit exposure engine (schemaVersion 1). Generated from ' +
        'libs/contracts/src/schemas.ts; the human guide is docs/events.md. Unknown extra fields are ignored ' +
        `(tolerant reader); a known field with a wrong type or value is dead-lettered. Limits: message <= ` +
        `${LIMITS.maxMessageBytes} bytes, ids <= ${LIMITS.idMaxLength} characters, arrays <= ` +
        `${LIMITS.maxArrayItems} items.`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      messages,
      schemas: { DeadLetterRecord: DEAD_LETTER_RECORD_SCHEMA },
    },
  };
}

/** The file content: stable JSON with a trailing newline. */
export const renderAsyncApiDocument = (): string => `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;

if (require.main === module) {
  const target = resolve(process.argv[2] ?? ASYNCAPI_PATH);
  writeFileSync(target, renderAsyncApiDocument());
  console.log(`wrote ${target}`);
}
