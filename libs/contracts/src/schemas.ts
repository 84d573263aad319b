import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isBusinessDate } from '../../domain/src/dates';
import { FactType } from '../../domain/src/facts';
import { MONEY_PATTERN } from '../../domain/src/money';

/**
 * The JSON Schemas (draft-07, the dialect AsyncAPI payloads use) of the wire contract, sections 2, 3 and 7
 * of the spec. They are the single source of truth: the decoder compiles them with ajv and
 * docs/asyncapi.json is generated from them (see asyncapi.ts).
 *
 * Policy (documented in docs/events.md):
 * - tolerant reader: unknown extra fields in the envelope and in `data` are ignored (no
 *   `additionalProperties: false`), so producers may add fields without breaking consumers;
 * - a known field with a wrong type or value is an error, `null` included (omit an optional field
 *   instead of sending null);
 * - money is a string, never a JSON number, and each money field's sign rule is in its pattern.
 */
export type JsonSchema = { [keyword: string]: unknown };

// ---------------------------------------------------------------------------------------------
// Limits and patterns
// ---------------------------------------------------------------------------------------------

/** The limits of the contract. Anything beyond them is dead-lettered (docs/events.md, "Limits"). */
export const LIMITS = {
  /** Maximum size of one Kafka message value, in bytes (1 MiB). */
  maxMessageBytes: 1_048_576,
  /** eventId length. */
  eventIdMaxLength: 128,
  /** Any document / entry / line / bill / open item id, bank id, user id. */
  idMaxLength: 128,
  /** Free text: reasons. */
  textMaxLength: 1000,
  /** Customer name. */
  nameMaxLength: 256,
  vatNumberMaxLength: 32,
  /** RFC 5321 maximum length of an address. */
  emailMaxLength: 254,
  /** Journal lines per entry, refs per document, settlements per line. */
  maxArrayItems: 1000,
  /** paymentTermsDays and overdueToleranceDays: ten years. */
  maxDays: 3660,
  /** The payment terms of a document or a credit class, and a class's review period (issue #17). */
  maxTermsDays: 3650,
  /** The reason of a manual block. */
  manualBlockReasonMaxLength: 500,
  /** The text of a collection action (a call's summary, a note, a promise's terms). */
  collectionActionTextMaxLength: 2000,
  /** causationId of an output event (an input eventId or an API request id). */
  causationIdMaxLength: 256,
} as const;

const MONEY_TAIL = '[0-9]{1,13}(\\.[0-9]{1,2})?$';

export const PATTERNS = {
  companyId: '^[A-Za-z0-9_-]{1,32}$',
  creditClassCode: '^[A-Za-z0-9_-]{1,32}$',
  customerId: '^[A-Za-z0-9._/-]{1,64}$',
  /** The general money pattern of section 2 (any sign). */
  money: MONEY_PATTERN.source,
  /** Money >= 0: the general pattern without the minus. */
  moneyNonNegative: `^${MONEY_TAIL}`,
  /** Money > 0: >= 0 and not all zeros ("0", "0.0", "000.00" are rejected). */
  moneyPositive: `^(?!0+(\\.0+)?$)${MONEY_TAIL}`,
  /** Output amounts: exactly two decimals, any sign (sums may exceed 13 integer digits). */
  outputMoney: '^-?[0-9]+\\.[0-9]{2}$',
  /** Output amounts that cannot be negative. */
  outputMoneyNonNegative: '^[0-9]+\\.[0-9]{2}$',
  /** Kafka partition / offset in a header or record: decimal digits. */
  digits: '^[0-9]+$',
} as const;

/** Human wording of each pattern, used in validation messages ("<field> must <rule>"). */
const PATTERN_RULES: ReadonlyMap<string, string> = new Map([
  [PATTERNS.companyId, `match ${PATTERNS.companyId}`],
  [PATTERNS.creditClassCode, `match ${PATTERNS.creditClassCode}`],
  [PATTERNS.customerId, `match ${PATTERNS.customerId}`],
  [PATTERNS.money, `be a money string matching ${PATTERNS.money}`],
  [PATTERNS.moneyNonNegative, `be a money string matching ${PATTERNS.moneyNonNegative}`],
  [PATTERNS.moneyPositive, `be a money string greater than zero matching ${PATTERNS.moneyNonNegative}`],
  [PATTERNS.outputMoney, `be a money string with exactly two decimals matching ${PATTERNS.outputMoney}`],
  [
    PATTERNS.outputMoneyNonNegative,
    `be a money string with exactly two decimals matching ${PATTERNS.outputMoneyNonNegative}`,
  ],
  [PATTERNS.digits, `be a string of decimal digits`],
]);

/**
 * Text Postgres can store in every text, varchar and jsonb column: no NUL (U+0000, refused by
 * text and jsonb alike) and no unpaired UTF-16 surrogate (jsonb refuses the escape; text would
 * silently store U+FFFD instead). Every free string of the contract has this format.
 */
export const STORABLE_TEXT_RULE = 'contain no NUL character (U+0000) and no unpaired UTF-16 surrogate';

// NUL is exactly the character to find here.
// eslint-disable-next-line no-control-regex
const UNSTORABLE_CHARACTER = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when every text, varchar and jsonb column can store `text` unchanged (see STORABLE_TEXT_RULE). */
export const isStorableText = (text: string): boolean => !UNSTORABLE_CHARACTER.test(text);

/** `text` with each unstorable character replaced by U+FFFD: for messages that may echo bad input. */
export const storableText = (text: string): string =>
  text.replace(new RegExp(UNSTORABLE_CHARACTER.source, 'g'), '\uFFFD');

const FORMAT_RULES: ReadonlyMap<string, string> = new Map([
  ['storable-text', STORABLE_TEXT_RULE],
  ['business-date', 'be a real calendar date YYYY-MM-DD'],
  ['date-time', 'be an ISO-8601 instant with offset, e.g. 2026-03-01T10:15:00+01:00 or 2026-03-01T09:15:00Z'],
  ['date-or-date-time', 'be a date YYYY-MM-DD or an ISO-8601 instant with offset'],
]);

const INSTANT_PATTERN =
  /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

// ---------------------------------------------------------------------------------------------
// Streams and event types
// ---------------------------------------------------------------------------------------------

export type InputStream = 'documents' | 'journalEntries' | 'billPortfolio' | 'creditLimits' | 'customers';
export type InputEventType = FactType;

export const INPUT_STREAMS: readonly InputStream[] = [
  'documents',
  'journalEntries',
  'billPortfolio',
  'creditLimits',
  'customers',
];

/** Which event types each input stream (topic) carries. A type on another stream is WRONG_TOPIC. */
export const STREAM_EVENT_TYPES: Readonly<Record<InputStream, readonly InputEventType[]>> = {
  documents: [
    'order.confirmed',
    'order.closed',
    'delivery.issued',
    'delivery.cancelled',
    'invoice.issued',
    'invoice.cancelled',
    'document.checkRequested',
  ],
  journalEntries: ['journal.posted', 'journal.reversed'],
  billPortfolio: ['bill.issued', 'bill.presented', 'bill.collected', 'bill.dishonoured', 'bill.cancelled'],
  creditLimits: [
    'creditLimit.set',
    'creditLimit.removed',
    'creditClass.assigned',
    'creditClass.removed',
    'manualBlock.set',
    'manualBlock.removed',
    'collectionAction.recorded',
  ],
  customers: ['customer.updated'],
};

export const INPUT_EVENT_TYPES: readonly InputEventType[] = INPUT_STREAMS.flatMap(
  (s) => STREAM_EVENT_TYPES[s],
);

export type OutputEventType =
  | 'exposure.statusChanged'
  | 'overdue.changed'
  | 'customer.blocked'
  | 'customer.unblocked'
  | 'creditReview.due'
  | 'dunning.levelReached'
  | 'collection.stageChanged'
  | 'collection.closed'
  | 'promise.broken'
  | 'document.allowed'
  | 'document.warned'
  | 'document.held'
  | 'document.released'
  | 'document.rejected';

export type OutputStream = 'breaches' | 'blocks' | 'collections' | 'deadLetter';

export const OUTPUT_STREAM_EVENT_TYPES: Readonly<
  Record<Exclude<OutputStream, 'deadLetter'>, readonly OutputEventType[]>
> = {
  breaches: ['exposure.statusChanged', 'overdue.changed', 'creditReview.due'],
  blocks: [
    'customer.blocked',
    'customer.unblocked',
    'document.allowed',
    'document.warned',
    'document.held',
    'document.released',
    'document.rejected',
  ],
  collections: ['dunning.levelReached', 'collection.stageChanged', 'collection.closed', 'promise.broken'],
};

export const OUTPUT_EVENT_TYPES: readonly OutputEventType[] = [
  ...OUTPUT_STREAM_EVENT_TYPES.breaches,
  ...OUTPUT_STREAM_EVENT_TYPES.blocks,
  ...OUTPUT_STREAM_EVENT_TYPES.collections,
];

/** Defaults of the optional fields of creditLimit.set. */
export const CREDIT_LIMIT_DEFAULTS = {
  attentionThresholdPct: 80,
  blockOnOverdue: true,
  overdueToleranceDays: 0,
} as const;

/** Default topic names (configurable by deployment). */
export const DEFAULT_TOPICS: Readonly<
  Record<InputStream | OutputStream | 'notifications' | 'collections', string>
> = {
  documents: 'erp.documents',
  journalEntries: 'erp.journal-entries',
  billPortfolio: 'erp.bill-portfolio',
  creditLimits: 'risk.credit-limits',
  customers: 'erp.customers',
  breaches: 'risk.breaches',
  blocks: 'risk.blocks',
  deadLetter: 'risk.dead-letter',
  notifications: 'risk.notifications',
  collections: 'risk.collections',
};

// ---------------------------------------------------------------------------------------------
// Schema building blocks
// ---------------------------------------------------------------------------------------------

const text = (maxLength: number, description: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  format: 'storable-text',
  description,
});
const id = (description: string): JsonSchema => text(LIMITS.idMaxLength, description);
const freeText = (description: string): JsonSchema => text(LIMITS.textMaxLength, description);
const moneyNonNegative = (description: string): JsonSchema => ({
  type: 'string',
  pattern: PATTERNS.moneyNonNegative,
  description: `${description} Money string >= 0, e.g. "1200.50"; JSON numbers are rejected.`,
});
const moneyPositive = (description: string): JsonSchema => ({
  type: 'string',
  pattern: PATTERNS.moneyPositive,
  description: `${description} Money string > 0, e.g. "1200.50"; JSON numbers are rejected.`,
});
const businessDate = (description: string): JsonSchema => ({
  type: 'string',
  format: 'business-date',
  description: `${description} YYYY-MM-DD, a real calendar day.`,
});
const dateOrInstant = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date-or-date-time',
  description: `${description} A date YYYY-MM-DD or an ISO-8601 instant with offset.`,
});
const termsDays = (description: string): JsonSchema => ({
  type: 'integer',
  minimum: 0,
  maximum: LIMITS.maxTermsDays,
  description: `${description} Integer 0..${LIMITS.maxTermsDays}.`,
});
const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema.type, 'null'] });
const enumOf = (values: readonly string[], description: string): JsonSchema => ({
  type: 'string',
  enum: [...values],
  description,
});
const object = (
  required: string[],
  properties: Record<string, JsonSchema>,
  extra: JsonSchema = {},
): JsonSchema => ({
  type: 'object',
  required,
  properties,
  ...extra,
});
const array = (items: JsonSchema, description: string, minItems = 0): JsonSchema => ({
  type: 'array',
  ...(minItems > 0 ? { minItems } : {}),
  maxItems: LIMITS.maxArrayItems,
  items,
  description,
});

const orderRefs = array(
  object(['orderId', 'amount'], {
    orderId: id('The referenced order.'),
    amount: moneyNonNegative('How much of that order this document takes over.'),
  }),
  'Orders this document fulfils, and by how much. Absent = none.',
);
const deliveryRefs = array(
  object(['deliveryId', 'amount'], {
    deliveryId: id('The referenced delivery note.'),
    amount: moneyNonNegative('How much of that delivery this document invoices.'),
  }),
  'Delivery notes this document invoices, and by how much. Absent = none.',
);

const journalLine = object(
  ['lineId', 'side', 'amount'],
  {
    lineId: id('The line, unique within the entry.'),
    side: enumOf(['debit', 'credit'], 'debit increases the receivable, credit decreases it.'),
    amount: moneyPositive('The line amount.'),
    invoiceRef: id('The invoice this line posts: the invoice stops counting as not posted.'),
    openItemId: id(
      'On a debit line, with dueDate: opens this open item (instalment) for the line amount. Ignored on credit lines.',
    ),
    dueDate: businessDate(
      'On a debit line, with openItemId: the due date of the open item. Ignored on credit lines.',
    ),
    settles: array(
      object(['openItemId', 'amount'], {
        openItemId: id('The open item this credit settles.'),
        amount: moneyNonNegative('The settled amount.'),
      }),
      'Only on credit lines: open items this line settles; the settlement date is the postingDate.',
    ),
  },
  {
    if: { properties: { side: { const: 'debit' } }, required: ['side'] },
    then: {
      dependencies: { openItemId: ['dueDate'], dueDate: ['openItemId'] },
      properties: { settles: { not: {}, description: 'is only allowed on a credit line' } },
    },
  },
);

/** The `data` schema of every input event type (section 3). */
export const INPUT_DATA_SCHEMAS: Readonly<Record<InputEventType, JsonSchema>> = {
  'order.confirmed': object(['orderId', 'amount'], {
    orderId: id('The order (upsert key).'),
    amount: moneyNonNegative('Gross value of the order, VAT included.'),
    orderDate: businessDate('Order date.'),
    paymentTermsDays: termsDays(
      'The payment terms the order grants; checked against the credit class maximum (spec section 11).',
    ),
  }),
  'order.closed': object(['orderId', 'reason'], {
    orderId: id('The order.'),
    reason: enumOf(['cancelled', 'completed', 'short-closed'], 'Why the order no longer counts.'),
  }),
  'delivery.issued': object(['deliveryId', 'amount'], {
    deliveryId: id('The delivery note (upsert key).'),
    amount: moneyNonNegative('Gross value of the delivery note.'),
    deliveryDate: businessDate('Delivery date.'),
    orderRefs,
  }),
  'delivery.cancelled': object(['deliveryId'], { deliveryId: id('The delivery note.') }),
  'invoice.issued': object(['invoiceId', 'kind', 'amount'], {
    invoiceId: id('The invoice or credit note (upsert key).'),
    kind: enumOf(['invoice', 'credit-note'], 'A credit note counts negative.'),
    amount: moneyNonNegative('Gross value, VAT included, always >= 0 (the sign comes from kind).'),
    invoiceDate: businessDate('Invoice date.'),
    deliveryRefs,
    orderRefs,
  }),
  'invoice.cancelled': object(['invoiceId'], { invoiceId: id('The invoice or credit note.') }),
  'document.checkRequested': object(['documentType', 'documentId', 'amount'], {
    documentType: enumOf(['order', 'delivery', 'invoice'], 'The kind of document about to be created.'),
    documentId: id('The document about to be created.'),
    amount: moneyNonNegative('Gross value of the document.'),
    orderRefs,
    deliveryRefs,
    requestedBy: id('The user or process asking.'),
    paymentTermsDays: termsDays(
      'The payment terms the document grants; above the credit class maximum it gives PAYMENT_TERMS_EXCEEDED.',
    ),
  }),
  'journal.posted': object(['entryId', 'postingDate', 'lines'], {
    entryId: id('The journal entry.'),
    postingDate: businessDate('Posting date; also the settlement date of its settles.'),
    lines: array(journalLine, "The entry's lines on the customer's receivable account.", 1),
  }),
  'journal.reversed': object(['entryId'], { entryId: id('The journal entry whose effects are undone.') }),
  'bill.issued': object(['billId', 'amount', 'dueDate', 'instrument'], {
    billId: id('The bill (upsert key).'),
    amount: moneyPositive('The bill amount.'),
    dueDate: businessDate('Due date of the bill.'),
    instrument: enumOf(['riba', 'bill-of-exchange', 'sdd', 'other'], 'The instrument.'),
  }),
  'bill.presented': object(['billId', 'presentedAt'], {
    billId: id('The bill.'),
    presentedAt: dateOrInstant('When it was presented to the bank.'),
    bankId: id('The bank.'),
  }),
  'bill.collected': object(['billId', 'collectedAt'], {
    billId: id('The bill.'),
    collectedAt: dateOrInstant('When it was collected.'),
  }),
  'bill.dishonoured': object(['billId', 'dishonouredAt'], {
    billId: id('The bill.'),
    dishonouredAt: dateOrInstant('When it was returned unpaid (insoluto).'),
    reason: freeText('Why.'),
  }),
  'bill.cancelled': object(['billId'], { billId: id('The bill.') }),
  'creditLimit.set': object(
    ['amount', 'mode', 'setBy'],
    {
      amount: moneyNonNegative('The credit limit (fido).'),
      mode: enumOf(['warn', 'block'], 'warn: breaches only warn; block: breaches block.'),
      attentionThresholdPct: {
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: CREDIT_LIMIT_DEFAULTS.attentionThresholdPct,
        description: 'WARNING from this percentage of the limit. Integer 1..100, default 80.',
      },
      validUntil: businessDate('Last day the limit is valid; afterwards it counts as 0.'),
      temporaryAmount: moneyNonNegative(
        'With temporaryUntil: the amount that applies instead of `amount` through temporaryUntil.',
      ),
      temporaryUntil: businessDate(
        'With temporaryAmount: the last day of the temporary amount; from the next day `amount` applies again.',
      ),
      blockOnOverdue: {
        type: 'boolean',
        default: CREDIT_LIMIT_DEFAULTS.blockOnOverdue,
        description: 'Block on overdue items. Default true.',
      },
      overdueToleranceDays: {
        type: 'integer',
        minimum: 0,
        maximum: LIMITS.maxDays,
        default: CREDIT_LIMIT_DEFAULTS.overdueToleranceDays,
        description: 'Days an item may be overdue before it is a breach. Integer >= 0, default 0.',
      },
      setBy: id('Who set it.'),
      reason: freeText('Why.'),
    },
    { dependencies: { temporaryAmount: ['temporaryUntil'], temporaryUntil: ['temporaryAmount'] } },
  ),
  'creditLimit.removed': object(['removedBy'], {
    removedBy: id('Who removed it.'),
    reason: freeText('Why.'),
  }),
  'creditClass.assigned': object(['code', 'maxPaymentTermsDays', 'assignedBy'], {
    code: {
      type: 'string',
      pattern: PATTERNS.creditClassCode,
      description: 'The credit class, unique within the company.',
    },
    description: freeText('What the class stands for.'),
    maxPaymentTermsDays: termsDays('The longest payment terms a document of the customer may grant.'),
    maxDocumentAmount: nullable(
      moneyNonNegative('The largest gross value of one document; null or absent: no maximum.'),
    ),
    reviewEveryDays: nullable({
      ...termsDays(
        'Days after the last class or limit change the customer is due for review; null or absent: never.',
      ),
      minimum: 1,
    }),
    assignedBy: id('Who assigned the class (or edited it: then the event is republished).'),
    reason: freeText('Why.'),
  }),
  'creditClass.removed': object(['removedBy'], {
    removedBy: id('Who removed the class.'),
    reason: freeText('Why.'),
  }),
  'manualBlock.set': object(['reason', 'setBy'], {
    reason: text(LIMITS.manualBlockReasonMaxLength, 'Why the customer is blocked.'),
    until: nullable(businessDate('Last day of the block; null or absent: until removed.')),
    setBy: id('Who blocked the customer.'),
  }),
  'manualBlock.removed': object(['removedBy'], {
    removedBy: id('Who removed the block.'),
    reason: freeText('Why.'),
  }),
  'collectionAction.recorded': object(
    ['actionId', 'actionType', 'text', 'recordedBy'],
    {
      actionId: id('The action (its audit row in the API); a re-sent action is the same action.'),
      actionType: enumOf(
        ['call', 'note', 'promise', 'stage', 'assign'],
        'call and note are extra-accounting records: they change no figure; promise, stage and assign act on the open case.',
      ),
      text: text(LIMITS.collectionActionTextMaxLength, "What was said or agreed; a stage change's reason."),
      recordedBy: id('Who recorded the action.'),
      promise: object(['amount', 'date'], {
        amount: moneyPositive('How much the customer promised to pay.'),
        date: businessDate(
          'By when: the promise breaks the day after when the settlements since it fall short.',
        ),
      }),
      stage: enumOf(['legal', 'written-off'], 'The stage the open case moves to (forward only).'),
      assignee: id("Who follows the case from now on (the case's assignee)."),
    },
    {
      allOf: [
        {
          if: { properties: { actionType: { const: 'promise' } }, required: ['actionType'] },
          then: { required: ['promise'], properties: { promise: {} } },
          else: { properties: { promise: { not: {}, description: 'is only allowed on a promise' } } },
        },
        {
          if: { properties: { actionType: { const: 'stage' } }, required: ['actionType'] },
          then: { required: ['stage'], properties: { stage: {} } },
          else: { properties: { stage: { not: {}, description: 'is only allowed on a stage change' } } },
        },
        {
          if: { properties: { actionType: { const: 'assign' } }, required: ['actionType'] },
          then: { required: ['assignee'], properties: { assignee: {} } },
        },
      ],
    },
  ),
  'customer.updated': object(['name'], {
    name: text(LIMITS.nameMaxLength, 'Company name of the customer.'),
    vatNumber: text(LIMITS.vatNumberMaxLength, 'VAT number (partita IVA).'),
    salesAgentId: id('Sales agent.'),
    paymentTermsDays: {
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxDays,
      description: 'Standard payment terms in days.',
    },
    email: text(LIMITS.emailMaxLength, 'Contact e-mail (not checked beyond its length).'),
  }),
};

const envelopeProperties = (
  type: string,
  data: JsonSchema,
  eventIdDescription: string,
): Record<string, JsonSchema> => ({
  eventId: text(LIMITS.eventIdMaxLength, eventIdDescription),
  type: { type: 'string', const: type, description: 'The event type.' },
  schemaVersion: { type: 'integer', const: 1, description: 'Always 1 in this contract version.' },
  occurredAt: { type: 'string', format: 'date-time', description: 'ISO-8601 instant with offset.' },
  companyId: { type: 'string', pattern: PATTERNS.companyId, description: 'The company.' },
  customerId: {
    type: 'string',
    pattern: PATTERNS.customerId,
    description: 'The customer, within the company.',
  },
  data,
});

const INPUT_ENVELOPE_REQUIRED = [
  'eventId',
  'type',
  'schemaVersion',
  'occurredAt',
  'companyId',
  'customerId',
  'data',
];

/** The complete schema (envelope + data) of one input event type. */
export function inputEventSchema(type: InputEventType): JsonSchema {
  return object(
    INPUT_ENVELOPE_REQUIRED,
    envelopeProperties(type, INPUT_DATA_SCHEMAS[type], 'Idempotency key of the event, 1..128 characters.'),
    { description: `Input event ${type}. Unknown extra fields are ignored.` },
  );
}

// ---------------------------------------------------------------------------------------------
// Output events (section 7)
// ---------------------------------------------------------------------------------------------

const outMoney = (description: string): JsonSchema => ({
  type: 'string',
  pattern: PATTERNS.outputMoney,
  description: `${description} Money string with exactly two decimals.`,
});
const outMoneyNonNegative = (description: string): JsonSchema => ({
  type: 'string',
  pattern: PATTERNS.outputMoneyNonNegative,
  description: `${description} Money string >= 0 with exactly two decimals.`,
});

export const EXPOSURE_STATUSES = ['NO_LIMIT', 'OK', 'WARNING', 'EXCEEDED'] as const;
export const BLOCK_REASONS = ['LIMIT_EXCEEDED', 'LIMIT_EXPIRED', 'OVERDUE', 'MANUAL', 'LEGAL'] as const;
export const DUNNING_ACTIONS = ['reminder', 'formal-notice', 'out-of-court'] as const;
export const COLLECTION_STAGES = ['dunning', 'legal', 'written-off'] as const;
export const DOCUMENT_REASONS = [
  'ATTENTION_THRESHOLD',
  'LIMIT_EXCEEDED',
  'LIMIT_EXPIRED',
  'OVERDUE',
  'MANUAL',
  'PAYMENT_TERMS_EXCEEDED',
  'DOCUMENT_AMOUNT_EXCEEDED',
  'LEGAL',
] as const;

const documentOutcome = (required: string[], extra: Record<string, JsonSchema> = {}): JsonSchema =>
  object(['documentType', 'documentId', 'amount', ...required], {
    documentType: enumOf(['order', 'delivery', 'invoice'], 'The kind of document.'),
    documentId: id('The document.'),
    amount: outMoneyNonNegative('Gross value of the document.'),
    incrementalExposure: outMoney(
      'What the document adds to the exposure (amount minus what it takes over).',
    ),
    exposureBefore: outMoney('Total exposure before the document.'),
    exposureAfter: outMoney('Total exposure if the document is created.'),
    limit: nullable(outMoneyNonNegative('The effective limit (0 when expired); null when no limit is set.')),
    reasons: {
      type: 'array',
      maxItems: DOCUMENT_REASONS.length,
      uniqueItems: true,
      items: enumOf(DOCUMENT_REASONS, 'A reason.'),
      description: 'Why the document was warned or held.',
    },
    requestedBy: id(
      'Who the document is checked for: the authenticated caller, or the ERP user an erp-service caller names.',
    ),
    sentBy: id(
      'The authenticated caller that sent a synchronous check (token subject); absent for document.checkRequested.',
    ),
    ...extra,
  });
const holdId = id('The hold (blocked document) awaiting a decision.');
const caseIdSchema = id("The customer's collection case: `case-<the business date it opened>`.");
const decision = {
  holdId,
  decidedBy: id('The user who decided.'),
  reason: freeText('The mandatory reason of the decision.'),
};

/** The `data` schema of every output event type (section 7). */
export const OUTPUT_DATA_SCHEMAS: Readonly<Record<OutputEventType, JsonSchema>> = {
  'exposure.statusChanged': object(['from', 'to', 'total', 'limit', 'utilizationPct', 'components'], {
    from: {
      type: ['string', 'null'],
      enum: [null, ...EXPOSURE_STATUSES],
      description: 'The previous status; null on the first evaluation of the customer.',
    },
    to: enumOf(EXPOSURE_STATUSES, 'The new status.'),
    total: outMoney('Total exposure.'),
    limit: nullable(outMoneyNonNegative('The effective limit (0 when expired); null when no limit is set.')),
    utilizationPct: nullable({
      type: 'string',
      pattern: PATTERNS.outputMoney,
      description: 'total / limit x 100 with two decimals; null when the limit is absent or 0.',
    }),
    components: object(['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'], {
      orders: outMoney('Open orders.'),
      deliveries: outMoney('Delivery notes not invoiced.'),
      unpostedInvoices: outMoney('Invoices not posted (credit notes negative).'),
      receivables: outMoney('Ledger balance (may be negative).'),
      bills: outMoney('Bills at risk.'),
    }),
  }),
  'overdue.changed': object(['overdue', 'overdueAmount', 'oldestOverdueDays'], {
    overdue: { type: 'boolean', description: 'True when there is an overdue breach (beyond the tolerance).' },
    overdueAmount: outMoneyNonNegative('Sum of the residuals of the open items past due.'),
    oldestOverdueDays: {
      type: 'integer',
      minimum: 0,
      description: 'Days past due of the oldest overdue item.',
    },
  }),
  'customer.blocked': object(['reasons'], {
    reasons: {
      type: 'array',
      minItems: 1,
      maxItems: BLOCK_REASONS.length,
      uniqueItems: true,
      items: enumOf(BLOCK_REASONS, 'A reason.'),
      description: 'Why the customer is blocked.',
    },
  }),
  'customer.unblocked': object(['previousReasons'], {
    previousReasons: {
      type: 'array',
      maxItems: BLOCK_REASONS.length,
      uniqueItems: true,
      items: enumOf(BLOCK_REASONS, 'A reason.'),
      description: 'The reasons of the block that ended.',
    },
  }),
  'creditReview.due': object(['dueOn', 'creditClass', 'lastChangedOn', 'reviewEveryDays'], {
    dueOn: businessDate('The business date the review fell due: lastChangedOn + reviewEveryDays.'),
    creditClass: {
      type: 'string',
      pattern: PATTERNS.creditClassCode,
      description: "The customer's credit class.",
    },
    lastChangedOn: businessDate("Business date of the customer's latest class assignment or limit change."),
    reviewEveryDays: { type: 'integer', minimum: 1, description: "The class's review period in days." },
  }),
  'dunning.levelReached': object(['caseId', 'level', 'action', 'items', 'overdueAmount'], {
    caseId: caseIdSchema,
    level: { type: 'integer', minimum: 1, description: 'The dunning level reached (1..n of the policy).' },
    action: enumOf(DUNNING_ACTIONS, "What the level asks for, from the company's dunning policy."),
    items: {
      type: 'array',
      description: 'The overdue items of the case on that day, oldest first.',
      items: object(['openItemId', 'dueDate', 'residual', 'daysOverdue'], {
        openItemId: id('The open item.'),
        dueDate: businessDate('Its due date.'),
        residual: outMoneyNonNegative('What is still unpaid.'),
        daysOverdue: { type: 'integer', minimum: 1, description: 'Days past due.' },
      }),
    },
    overdueAmount: outMoneyNonNegative('Sum of the residuals of the overdue items.'),
  }),
  'collection.stageChanged': object(['caseId', 'from', 'to', 'changedBy', 'reason'], {
    caseId: caseIdSchema,
    from: enumOf(COLLECTION_STAGES, 'The previous stage.'),
    to: enumOf(COLLECTION_STAGES, 'The new stage; legal and written-off block the customer (LEGAL).'),
    changedBy: id('Who recorded the stage change.'),
    reason: text(LIMITS.collectionActionTextMaxLength, "The action's text."),
  }),
  'collection.closed': object(['caseId', 'reason'], {
    caseId: caseIdSchema,
    reason: enumOf(
      ['paid', 'below-minimum'],
      "paid: nothing is overdue any more; below-minimum: the overdue residual fell below the policy's minAmount.",
    ),
  }),
  'promise.broken': object(['caseId', 'promiseId', 'amount', 'date', 'paidSince'], {
    caseId: caseIdSchema,
    promiseId: id('The promise (the id of the action that recorded it).'),
    amount: outMoneyNonNegative('The amount promised.'),
    date: businessDate('The promised date; the promise broke the day after.'),
    paidSince: outMoneyNonNegative('Settlements from the day of the promise through its date.'),
  }),
  'document.allowed': documentOutcome([]),
  'document.warned': documentOutcome([]),
  'document.held': documentOutcome(['holdId'], { holdId }),
  'document.released': documentOutcome(['holdId', 'decidedBy', 'reason'], decision),
  'document.rejected': documentOutcome(['holdId', 'decidedBy', 'reason'], decision),
};

/** The complete schema (envelope + data) of one output event type. */
export function outputEventSchema(type: OutputEventType): JsonSchema {
  return object(
    [...INPUT_ENVELOPE_REQUIRED.slice(0, -1), 'causationId', 'sequence', 'data'],
    {
      ...envelopeProperties(
        type,
        OUTPUT_DATA_SCHEMAS[type],
        'Deterministic for its cause (a UUID-shaped string): a replay republishes the same id.',
      ),
      causationId: text(
        LIMITS.causationIdMaxLength,
        'The input eventId or API request that caused this event.',
      ),
      sequence: { type: 'integer', minimum: 0, description: 'Per-customer increasing sequence number.' },
    },
    { description: `Output event ${type}. Consumers must ignore unknown extra fields.` },
  );
}

// ---------------------------------------------------------------------------------------------
// Notification outcomes (risk.notifications, published by the notifier)
// ---------------------------------------------------------------------------------------------

export const NOTIFICATION_EVENT_TYPES = ['notification.delivered', 'notification.failed'] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];
export const NOTIFICATION_CHANNELS = ['email', 'webhook', 'inbox'] as const;

const NOTIFICATION_DATA_SCHEMA: JsonSchema = object(
  ['deliveryId', 'subscriptionId', 'channel', 'sourceEventId', 'sourceEventType', 'attempts'],
  {
    deliveryId: id('The delivery (GET …/notifications lists it with its attempts).'),
    subscriptionId: id('The subscription it was delivered for.'),
    channel: enumOf(NOTIFICATION_CHANNELS, 'How it was delivered.'),
    sourceEventId: text(LIMITS.eventIdMaxLength, 'The eventId of the output event notified.'),
    sourceEventType: id('The type of the output event notified.'),
    attempts: { type: 'integer', minimum: 0, description: 'Send attempts made so far.' },
    digestDeliveryId: id('Set when the event was delivered inside a daily digest: that delivery.'),
    error: freeText('Why the last attempt failed (notification.failed).'),
  },
);

/**
 * The complete schema of a notification outcome. Same envelope as the other output
 * events, with causationId = the notified event's eventId; no per-customer sequence
 * (the outcomes describe deliveries, not the customer's state).
 */
export function notificationEventSchema(type: NotificationEventType): JsonSchema {
  return object(
    [...INPUT_ENVELOPE_REQUIRED.slice(0, -1), 'causationId', 'data'],
    {
      ...envelopeProperties(
        type,
        NOTIFICATION_DATA_SCHEMA,
        'Deterministic for the delivery and its outcome (a UUID-shaped string).',
      ),
      causationId: text(LIMITS.eventIdMaxLength, 'The eventId of the output event that was notified.'),
    },
    { description: `Notification outcome ${type}. Consumers must ignore unknown extra fields.` },
  );
}

// ---------------------------------------------------------------------------------------------
// Dead letter
// ---------------------------------------------------------------------------------------------

export const DEAD_LETTER_REASONS = [
  'NOT_JSON',
  'TOO_LARGE',
  'NOT_AN_OBJECT',
  'UNKNOWN_TYPE',
  'WRONG_TOPIC',
  'UNSUPPORTED_SCHEMA_VERSION',
  'VALIDATION_FAILED',
  'KEY_MISMATCH',
  'MISSING_KEY',
  'WRONG_PARTITION',
  'DOCUMENT_ARCHIVED',
] as const;

/** The Kafka headers of a message on risk.dead-letter (its value is the original bytes, unchanged). */
export const DEAD_LETTER_HEADERS_SCHEMA: JsonSchema = object(
  ['dlq.eventId', 'dlq.occurredAt', 'dlq.reason', 'dlq.message', 'dlq.topic', 'dlq.partition', 'dlq.offset'],
  {
    'dlq.eventId': {
      type: 'string',
      minLength: 1,
      description: 'Deterministic from topic, partition and offset.',
    },
    'dlq.occurredAt': { type: 'string', format: 'date-time', description: 'When the input was rejected.' },
    'dlq.reason': enumOf(DEAD_LETTER_REASONS, 'Machine-readable reason.'),
    'dlq.field': {
      type: 'string',
      description: 'JSON path of the offending field, e.g. data.lines[2].amount.',
    },
    'dlq.message': {
      type: 'string',
      description: 'Human-readable explanation naming the field and the rule.',
    },
    'dlq.topic': { type: 'string', minLength: 1, description: 'Source topic.' },
    'dlq.partition': { type: 'string', pattern: PATTERNS.digits, description: 'Source partition.' },
    'dlq.offset': { type: 'string', pattern: PATTERNS.digits, description: 'Source offset.' },
    'dlq.timestamp': {
      type: 'string',
      description: 'Source message timestamp (ms since epoch), when known.',
    },
    'dlq.tombstone': {
      type: 'string',
      const: 'true',
      description: 'Present when the original value was null (a tombstone): the value is then empty.',
    },
  },
);

/** The structured dead-letter record (deadLetterRecord()): the same facts as JSON, for logs and APIs. */
export const DEAD_LETTER_RECORD_SCHEMA: JsonSchema = object(
  ['eventId', 'type', 'schemaVersion', 'occurredAt', 'reason', 'message', 'source', 'originalBase64'],
  {
    eventId: { type: 'string', minLength: 1, description: 'Deterministic from topic, partition and offset.' },
    type: { type: 'string', const: 'input.rejected' },
    schemaVersion: { type: 'integer', const: 1 },
    occurredAt: { type: 'string', format: 'date-time', description: 'When the input was rejected.' },
    reason: enumOf(DEAD_LETTER_REASONS, 'Machine-readable reason.'),
    field: { type: 'string', description: 'JSON path of the offending field.' },
    message: { type: 'string', description: 'Human-readable explanation.' },
    source: object(['topic', 'partition', 'offset', 'key', 'timestamp'], {
      topic: { type: 'string', minLength: 1 },
      partition: { type: 'integer', minimum: 0 },
      offset: { type: 'string', pattern: PATTERNS.digits },
      key: { type: ['string', 'null'], description: 'The original key, base64; null when absent.' },
      timestamp: { type: ['string', 'null'], description: 'Message timestamp (ms since epoch).' },
    }),
    originalBase64: {
      type: ['string', 'null'],
      description: 'The original value, base64; null for a tombstone.',
    },
  },
);

// ---------------------------------------------------------------------------------------------
// Ajv and error wording
// ---------------------------------------------------------------------------------------------

/**
 * isBusinessDate, remembered: business dates repeat a lot (a few thousand distinct days), and the
 * check allocates a Date. Only valid dates are remembered; the memory is bounded.
 */
const validDates = new Set<string>();
export function isKnownBusinessDate(text: string): boolean {
  if (validDates.has(text)) return true;
  if (!isBusinessDate(text)) return false;
  if (validDates.size >= 20_000) validDates.clear();
  validDates.add(text);
  return true;
}

/** ISO-8601 / RFC 3339 instant with an offset (`Z` or `±hh:mm`) on a real calendar day. */
export function isInstant(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const match = INSTANT_PATTERN.exec(text);
  return match !== null && isKnownBusinessDate(match[1]);
}

/** A configured ajv instance with the contract's formats (strict, first error only). */
export function createAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: false, verbose: true, allowUnionTypes: true });
  ajv.addFormat('business-date', { type: 'string', validate: isKnownBusinessDate });
  ajv.addFormat('storable-text', { type: 'string', validate: isStorableText });
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
  ajv.addFormat('date-or-date-time', {
    type: 'string',
    validate: (value: string) => (value.length === 10 ? isKnownBusinessDate(value) : isInstant(value)),
  });
  return ajv;
}

let sharedAjv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function compiled(key: string, schema: () => JsonSchema): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    sharedAjv ??= createAjv();
    validate = sharedAjv.compile(schema());
    validators.set(key, validate);
  }
  return validate;
}

/** The compiled validator of an input event type (compiled once, then cached). */
export const inputValidator = (type: InputEventType): ValidateFunction =>
  compiled(`in:${type}`, () => inputEventSchema(type));

/** The compiled validator of an output event type (compiled once, then cached). */
export const outputValidator = (type: OutputEventType): ValidateFunction =>
  compiled(`out:${type}`, () => outputEventSchema(type));

/** The compiled validator of a notification outcome type. */
export const notificationValidator = (type: NotificationEventType): ValidateFunction =>
  compiled(`notification:${type}`, () => notificationEventSchema(type));

export const deadLetterHeadersValidator = (): ValidateFunction =>
  compiled('dlq:headers', () => DEAD_LETTER_HEADERS_SCHEMA);
export const deadLetterRecordValidator = (): ValidateFunction =>
  compiled('dlq:record', () => DEAD_LETTER_RECORD_SCHEMA);

export interface SchemaViolation {
  /** JSON path of the offending field, e.g. `data.lines[2].amount` (empty for the root). */
  field: string;
  /** "<field> must <rule>" */
  message: string;
}

/** `/data/lines/2/amount` -> `data.lines[2].amount` */
export function jsonPath(instancePath: string): string {
  if (instancePath === '') return '';
  let path = '';
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^(0|[1-9][0-9]*)$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path;
}

const child = (parent: string, name: string): string => (parent === '' ? name : `${parent}.${name}`);

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** Words an ajv error as "<field> must <rule>", naming the field by its JSON path. */
export function describeSchemaError(error: ErrorObject): SchemaViolation {
  const path = jsonPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  const at = (rule: string): SchemaViolation => ({ field: path, message: `${path || 'the event'} ${rule}` });
  switch (error.keyword) {
    case 'required': {
      const field = child(path, String(params.missingProperty));
      return { field, message: `${field} is required` };
    }
    case 'dependencies': {
      const field = child(path, String(params.missingProperty));
      return {
        field,
        message: `${field} is required on a debit line that has ${String(params.property)} (both or neither)`,
      };
    }
    case 'type': {
      const pattern = typeof parent.pattern === 'string' ? PATTERN_RULES.get(parent.pattern) : undefined;
      if (pattern?.startsWith('be a money string'))
        return at(`must ${pattern} (JSON numbers are not accepted)`);
      // A wrong type of a date says what a date looks like; of a text, simply that it must be a string.
      const format =
        typeof parent.format === 'string' && parent.format !== 'storable-text'
          ? FORMAT_RULES.get(parent.format)
          : undefined;
      if (format !== undefined) return at(`must ${format}`);
      const types = String(params.type).split(',');
      return at(`must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`);
    }
    case 'pattern':
      return at(`must ${PATTERN_RULES.get(String(params.pattern)) ?? `match ${String(params.pattern)}`}`);
    case 'format':
      return at(`must ${FORMAT_RULES.get(String(params.format)) ?? `be a ${String(params.format)}`}`);
    case 'enum':
      return at(
        `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      );
    case 'const':
      return at(`must be ${JSON.stringify(params.allowedValue)}`);
    case 'minLength':
      return at(
        params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`,
      );
    case 'maxLength':
      return at(`must be at most ${String(params.limit)} characters long`);
    case 'minItems':
      return at(
        params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items`,
      );
    case 'maxItems':
      return at(`must have at most ${String(params.limit)} items`);
    case 'minimum':
      return at(`must be >= ${String(params.limit)}`);
    case 'maximum':
      return at(`must be <= ${String(params.limit)}`);
    case 'uniqueItems':
      return at('must not contain duplicates');
    case 'not':
      return at(typeof parent.description === 'string' ? parent.description : 'is not allowed here');
    default:
      return at(error.message ?? 'is invalid');
  }
}
