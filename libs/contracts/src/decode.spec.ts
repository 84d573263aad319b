import fc from 'fast-check';
import { Fact } from '../../domain/src/facts';
import { formatMoney } from '../../domain/src/money';
import { DecodeResult, decodeInputEvent } from './decode';
import { customerKey } from './customer-key';
import { RawEnvelope, encodeInputEvent, inputMessage, rawEnvelope, rawEvent } from './encode';
import { INPUT_EXAMPLES } from './examples';
import {
  INPUT_EVENT_TYPES,
  INPUT_STREAMS,
  inputEventSchema,
  InputStream,
  JsonSchema,
  STREAM_EVENT_TYPES,
} from './schemas';
import { validEventArb } from './testing/arbitraries';

const EVENT_ID = '0f8c2d8e-4a51-4b0e-9d3c-6b1f2a7e9c10';
const HEAD = {
  eventId: EVENT_ID,
  occurredAt: '2026-03-01T10:15:00+01:00',
  companyId: 'IT01',
  customerId: 'C000123',
};

const decode = (
  stream: InputStream,
  envelope: RawEnvelope,
  key: string | null = customerKey('IT01', 'C000123'),
) => decodeInputEvent(stream, key === null ? null : Buffer.from(key), encodeInputEvent(envelope));

const ok = (result: DecodeResult): Fact => {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason} ${result.field}: ${result.message}`);
  return result.fact;
};

describe('decodeInputEvent: every event type decodes into its Fact', () => {
  const cases: [InputStream, RawEnvelope, Fact][] = [
    [
      'documents',
      rawEvent(
        'order.confirmed',
        { orderId: 'O1', amount: '1200.5', orderDate: '2026-03-01' },
        { eventId: EVENT_ID },
      ),
      { ...HEAD, type: 'order.confirmed', orderId: 'O1', amount: 120050n, orderDate: '2026-03-01' },
    ],
    [
      'documents',
      rawEvent('order.closed', { orderId: 'O1', reason: 'short-closed' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'order.closed', orderId: 'O1', reason: 'short-closed' },
    ],
    [
      'documents',
      rawEvent(
        'delivery.issued',
        {
          deliveryId: 'D1',
          amount: '800',
          deliveryDate: '2026-03-03',
          orderRefs: [{ orderId: 'O1', amount: '0.1' }],
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'delivery.issued',
        deliveryId: 'D1',
        amount: 80000n,
        deliveryDate: '2026-03-03',
        orderRefs: [{ orderId: 'O1', amount: 10n }],
      },
    ],
    [
      'documents',
      rawEvent('delivery.issued', { deliveryId: 'D2', amount: '0' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'delivery.issued', deliveryId: 'D2', amount: 0n, orderRefs: [] },
    ],
    [
      'documents',
      rawEvent('delivery.cancelled', { deliveryId: 'D1' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'delivery.cancelled', deliveryId: 'D1' },
    ],
    [
      'documents',
      rawEvent(
        'invoice.issued',
        {
          invoiceId: 'F1',
          kind: 'credit-note',
          amount: '9999999999999.99',
          invoiceDate: '2026-02-28',
          deliveryRefs: [{ deliveryId: 'D1', amount: '800.00' }],
          orderRefs: [{ orderId: 'O9', amount: '1.01' }],
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'invoice.issued',
        invoiceId: 'F1',
        kind: 'credit-note',
        amount: 999999999999999n,
        invoiceDate: '2026-02-28',
        deliveryRefs: [{ deliveryId: 'D1', amount: 80000n }],
        orderRefs: [{ orderId: 'O9', amount: 101n }],
      },
    ],
    [
      'documents',
      rawEvent('invoice.issued', { invoiceId: 'F2', kind: 'invoice', amount: '10' }, { eventId: EVENT_ID }),
      {
        ...HEAD,
        type: 'invoice.issued',
        invoiceId: 'F2',
        kind: 'invoice',
        amount: 1000n,
        deliveryRefs: [],
        orderRefs: [],
      },
    ],
    [
      'documents',
      rawEvent('invoice.cancelled', { invoiceId: 'F1' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'invoice.cancelled', invoiceId: 'F1' },
    ],
    [
      'documents',
      rawEvent(
        'document.checkRequested',
        {
          documentType: 'delivery',
          documentId: 'D7',
          amount: '250.00',
          orderRefs: [{ orderId: 'O1', amount: '200' }],
          requestedBy: 'm.rossi',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'document.checkRequested',
        documentType: 'delivery',
        documentId: 'D7',
        amount: 25000n,
        orderRefs: [{ orderId: 'O1', amount: 20000n }],
        deliveryRefs: [],
        requestedBy: 'm.rossi',
      },
    ],
    [
      'journalEntries',
      rawEvent(
        'journal.posted',
        {
          entryId: 'JE1',
          postingDate: '2026-03-31',
          lines: [
            {
              lineId: '1',
              side: 'debit',
              amount: '488.00',
              invoiceRef: 'F1',
              openItemId: 'F1/1',
              dueDate: '2026-04-30',
            },
            { lineId: '2', side: 'debit', amount: '12.3' },
            {
              lineId: '3',
              side: 'credit',
              amount: '100.00',
              settles: [{ openItemId: 'F0/1', amount: '100' }],
            },
            // openItemId / dueDate on a credit line are accepted and ignored
            { lineId: '4', side: 'credit', amount: '0.01', openItemId: 'NC/1', dueDate: '2026-04-30' },
          ],
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'journal.posted',
        entryId: 'JE1',
        postingDate: '2026-03-31',
        lines: [
          {
            lineId: '1',
            side: 'debit',
            amount: 48800n,
            invoiceRef: 'F1',
            openItemId: 'F1/1',
            dueDate: '2026-04-30',
          },
          { lineId: '2', side: 'debit', amount: 1230n },
          { lineId: '3', side: 'credit', amount: 10000n, settles: [{ openItemId: 'F0/1', amount: 10000n }] },
          { lineId: '4', side: 'credit', amount: 1n },
        ],
      },
    ],
    [
      'journalEntries',
      rawEvent('journal.reversed', { entryId: 'JE1' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'journal.reversed', entryId: 'JE1' },
    ],
    [
      'billPortfolio',
      rawEvent(
        'bill.issued',
        { billId: 'B1', amount: '488.00', dueDate: '2026-05-31', instrument: 'bill-of-exchange' },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'bill.issued',
        billId: 'B1',
        amount: 48800n,
        dueDate: '2026-05-31',
        instrument: 'bill-of-exchange',
      },
    ],
    [
      'billPortfolio',
      rawEvent(
        'bill.presented',
        { billId: 'B1', presentedAt: '2026-04-10', bankId: 'BK' },
        { eventId: EVENT_ID },
      ),
      { ...HEAD, type: 'bill.presented', billId: 'B1', presentedAt: '2026-04-10', bankId: 'BK' },
    ],
    [
      'billPortfolio',
      rawEvent(
        'bill.collected',
        { billId: 'B1', collectedAt: '2026-06-01T08:00:00Z' },
        { eventId: EVENT_ID },
      ),
      { ...HEAD, type: 'bill.collected', billId: 'B1', collectedAt: '2026-06-01T08:00:00Z' },
    ],
    [
      'billPortfolio',
      rawEvent(
        'bill.dishonoured',
        { billId: 'B1', dishonouredAt: '2026-06-05T09:00:00.250+02:00', reason: 'no funds' },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'bill.dishonoured',
        billId: 'B1',
        dishonouredAt: '2026-06-05T09:00:00.250+02:00',
        reason: 'no funds',
      },
    ],
    [
      'billPortfolio',
      rawEvent('bill.cancelled', { billId: 'B1' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'bill.cancelled', billId: 'B1' },
    ],
    [
      'creditLimits',
      rawEvent(
        'creditLimit.set',
        {
          amount: '5000',
          mode: 'block',
          attentionThresholdPct: 90,
          validUntil: '2026-12-31',
          blockOnOverdue: false,
          overdueToleranceDays: 5,
          setBy: 'cm',
          reason: 'review',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'creditLimit.set',
        amount: 500000n,
        mode: 'block',
        attentionThresholdPct: 90,
        validUntil: '2026-12-31',
        blockOnOverdue: false,
        overdueToleranceDays: 5,
        setBy: 'cm',
        reason: 'review',
      },
    ],
    [
      'creditLimits',
      rawEvent('creditLimit.set', { amount: '0.00', mode: 'warn', setBy: 'cm' }, { eventId: EVENT_ID }),
      {
        ...HEAD,
        type: 'creditLimit.set',
        amount: 0n,
        mode: 'warn',
        attentionThresholdPct: 80,
        blockOnOverdue: true,
        overdueToleranceDays: 0,
        setBy: 'cm',
      },
    ],
    [
      'creditLimits',
      rawEvent('creditLimit.removed', { removedBy: 'cm', reason: 'closed' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'creditLimit.removed', removedBy: 'cm', reason: 'closed' },
    ],
    [
      'creditLimits',
      rawEvent(
        'creditLimit.set',
        {
          amount: '1000.00',
          mode: 'block',
          setBy: 'cm',
          temporaryAmount: '5000.00',
          temporaryUntil: '2026-12-24',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'creditLimit.set',
        amount: 100000n,
        mode: 'block',
        attentionThresholdPct: 80,
        blockOnOverdue: true,
        overdueToleranceDays: 0,
        temporaryAmount: 500000n,
        temporaryUntil: '2026-12-24',
        setBy: 'cm',
      },
    ],
    [
      'creditLimits',
      rawEvent(
        'creditClass.assigned',
        {
          code: 'B2',
          description: 'standard',
          maxPaymentTermsDays: 60,
          maxDocumentAmount: '20000.00',
          reviewEveryDays: 365,
          assignedBy: 'cm',
          reason: 'first',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'creditClass.assigned',
        code: 'B2',
        description: 'standard',
        maxPaymentTermsDays: 60,
        maxDocumentAmount: 2000000n,
        reviewEveryDays: 365,
        assignedBy: 'cm',
        reason: 'first',
      },
    ],
    [
      'creditLimits',
      rawEvent(
        'creditClass.assigned',
        {
          code: 'A',
          maxPaymentTermsDays: 0,
          maxDocumentAmount: null,
          reviewEveryDays: null,
          assignedBy: 'cm',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'creditClass.assigned',
        code: 'A',
        maxPaymentTermsDays: 0,
        maxDocumentAmount: null,
        reviewEveryDays: null,
        assignedBy: 'cm',
      },
    ],
    [
      'creditLimits',
      rawEvent('creditClass.removed', { removedBy: 'cm' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'creditClass.removed', removedBy: 'cm' },
    ],
    [
      'creditLimits',
      rawEvent(
        'manualBlock.set',
        { reason: 'insolvency', until: '2026-04-30', setBy: 'cm' },
        { eventId: EVENT_ID },
      ),
      { ...HEAD, type: 'manualBlock.set', reason: 'insolvency', until: '2026-04-30', setBy: 'cm' },
    ],
    [
      'creditLimits',
      rawEvent('manualBlock.set', { reason: 'fraud', setBy: 'cm' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'manualBlock.set', reason: 'fraud', until: null, setBy: 'cm' },
    ],
    [
      'creditLimits',
      rawEvent('manualBlock.removed', { removedBy: 'cm', reason: 'paid' }, { eventId: EVENT_ID }),
      { ...HEAD, type: 'manualBlock.removed', removedBy: 'cm', reason: 'paid' },
    ],
    [
      'creditLimits',
      rawEvent(
        'collectionAction.recorded',
        {
          actionId: 'A-1',
          actionType: 'promise',
          text: 'pays on Friday',
          recordedBy: 'anna',
          promise: { amount: '150.5', date: '2026-03-20' },
          assignee: 'anna',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'collectionAction.recorded',
        actionId: 'A-1',
        actionType: 'promise',
        text: 'pays on Friday',
        recordedBy: 'anna',
        promise: { amount: 15050n, date: '2026-03-20' },
        assignee: 'anna',
      },
    ],
    [
      'creditLimits',
      rawEvent(
        'collectionAction.recorded',
        { actionId: 'A-2', actionType: 'stage', text: 'to the lawyer', recordedBy: 'cm', stage: 'legal' },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'collectionAction.recorded',
        actionId: 'A-2',
        actionType: 'stage',
        text: 'to the lawyer',
        recordedBy: 'cm',
        stage: 'legal',
      },
    ],
    [
      'customers',
      rawEvent(
        'customer.updated',
        {
          name: 'Rossi S.r.l.',
          vatNumber: 'IT01234567890',
          salesAgentId: 'AG7',
          paymentTermsDays: 60,
          email: 'a@b.it',
        },
        { eventId: EVENT_ID },
      ),
      {
        ...HEAD,
        type: 'customer.updated',
        name: 'Rossi S.r.l.',
        vatNumber: 'IT01234567890',
        salesAgentId: 'AG7',
        paymentTermsDays: 60,
        email: 'a@b.it',
      },
    ],
  ];

  it('covers every input event type', () => {
    expect(new Set(cases.map(([, e]) => e.type))).toEqual(new Set(INPUT_EVENT_TYPES));
  });

  it.each(
    cases.map(([stream, envelope, fact]) => [
      `${envelope.type} ${JSON.stringify(envelope.data)}`,
      stream,
      envelope,
      fact,
    ]),
  )('%s', (_name, stream, envelope, expected) => {
    const fact = ok(decode(stream as InputStream, envelope as RawEnvelope));
    // toStrictEqual: no extra keys, no keys holding undefined, bigint cents
    expect(fact).toStrictEqual(expected);
  });

  it('ignores unknown fields in the envelope and in data, and does not copy them into the fact', () => {
    const envelope = {
      ...rawEvent('order.confirmed', { orderId: 'O1', amount: '1.00' }, { eventId: EVENT_ID }),
      traceId: 'abc',
      data: { orderId: 'O1', amount: '1.00', currency: 'EUR', lines: [1, 2] },
    };
    expect(ok(decode('documents', envelope))).toStrictEqual({
      ...HEAD,
      type: 'order.confirmed',
      orderId: 'O1',
      amount: 100n,
    });
  });

  it('accepts instants with Z, offsets and fractions, and the limits of the identifiers', () => {
    for (const occurredAt of [
      '2026-03-01T09:15:00Z',
      '2026-03-01T10:15:00.123456+01:00',
      '2024-02-29T23:59:59-05:00',
    ]) {
      expect(
        ok(
          decode(
            'documents',
            rawEvent('order.closed', { orderId: 'O', reason: 'completed' }, { occurredAt }),
          ),
        ).occurredAt,
      ).toBe(occurredAt);
    }
    const companyId = 'A'.repeat(32);
    const customerId = 'c.1/2-3_4'.padEnd(64, 'x');
    const eventId = 'e'.repeat(128);
    const envelope = rawEvent(
      'delivery.cancelled',
      { deliveryId: 'x'.repeat(128) },
      { companyId, customerId, eventId },
    );
    const fact = ok(decode('documents', envelope, customerKey(companyId, customerId)));
    expect([fact.companyId, fact.customerId, fact.eventId]).toEqual([companyId, customerId, eventId]);
  });

  it('inputMessage produces the key and value the decoder expects', () => {
    const envelope = rawEvent('bill.cancelled', { billId: 'B' }, { companyId: 'IT02', customerId: 'K/9' });
    const { key, value } = inputMessage(envelope);
    expect(key.toString()).toBe('IT02:K/9');
    expect(ok(decodeInputEvent('billPortfolio', key, value)).customerId).toBe('K/9');
  });
});

describe('decodeInputEvent: rejected inputs name the reason and the field', () => {
  const order = (data: Record<string, unknown>, overrides = {}) =>
    rawEnvelope('order.confirmed', data, overrides);
  const validOrder = { orderId: 'O1', amount: '10.00' };
  const line = (fields: Record<string, unknown>) => ({
    lineId: 'L',
    side: 'debit',
    amount: '1.00',
    ...fields,
  });
  const posted = (lines: unknown[]) =>
    rawEnvelope('journal.posted', { entryId: 'J', postingDate: '2026-03-02', lines });
  const limit = (fields: Record<string, unknown>) =>
    rawEnvelope('creditLimit.set', { amount: '100', mode: 'block', setBy: 'cm', ...fields });
  const bytes = (text: string) => Buffer.from(text, 'utf8');
  const KEY = bytes('IT01:C000123');
  const json = (envelope: unknown) => bytes(JSON.stringify(envelope));
  const without = (object: Record<string, unknown>, field: string) => {
    const copy = { ...object };
    delete copy[field];
    return copy;
  };

  type Case = {
    name: string;
    stream?: InputStream;
    key?: Buffer | null;
    value: Buffer | null;
    maxBytes?: number;
    reason: string;
    field?: string;
    message?: string | RegExp;
  };

  const cases: Case[] = [
    { name: 'not JSON', value: bytes('{"eventId": "e1", "type": '), reason: 'NOT_JSON' },
    { name: 'not UTF-8', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: 'NOT_JSON' },
    { name: 'tombstone (null value)', value: null, reason: 'NOT_JSON' },
    {
      name: 'too large (default 1 MiB)',
      value: json(order({ ...validOrder, padding: 'x'.repeat(1024 * 1024) })),
      reason: 'TOO_LARGE',
    },
    { name: 'too large (given maximum)', value: json(order(validOrder)), maxBytes: 100, reason: 'TOO_LARGE' },
    { name: 'array instead of object', value: json([order(validOrder)]), reason: 'NOT_AN_OBJECT' },
    { name: 'JSON string instead of object', value: json('order.confirmed'), reason: 'NOT_AN_OBJECT' },
    { name: 'null instead of object', value: bytes('null'), reason: 'NOT_AN_OBJECT' },
    {
      name: 'missing type',
      value: json(without(order(validOrder), 'type')),
      reason: 'VALIDATION_FAILED',
      field: 'type',
    },
    {
      name: 'unknown type',
      value: json(rawEnvelope('order.exploded', validOrder)),
      reason: 'UNKNOWN_TYPE',
      field: 'type',
      message: 'type "order.exploded" is not a known event type',
    },
    {
      name: 'prototype key as type',
      value: json(rawEnvelope('constructor', {})),
      reason: 'UNKNOWN_TYPE',
      field: 'type',
    },
    {
      name: 'type on the wrong stream',
      stream: 'billPortfolio',
      value: json(order(validOrder)),
      reason: 'WRONG_TOPIC',
      field: 'type',
    },
    {
      name: 'schemaVersion 2',
      value: json(order({ whatever: true }, { schemaVersion: 2 })),
      reason: 'UNSUPPORTED_SCHEMA_VERSION',
      field: 'schemaVersion',
    },
    {
      name: 'schemaVersion as a string',
      value: json(order(validOrder, { schemaVersion: '1' })),
      reason: 'VALIDATION_FAILED',
      field: 'schemaVersion',
    },
    {
      name: 'missing eventId',
      value: json(without(order(validOrder), 'eventId')),
      reason: 'VALIDATION_FAILED',
      field: 'eventId',
      message: 'eventId is required',
    },
    {
      name: 'empty eventId',
      value: json(order(validOrder, { eventId: '' })),
      reason: 'VALIDATION_FAILED',
      field: 'eventId',
    },
    {
      name: 'eventId of 129 characters',
      value: json(order(validOrder, { eventId: 'e'.repeat(129) })),
      reason: 'VALIDATION_FAILED',
      field: 'eventId',
    },
    {
      name: 'a promise without its amount and date',
      stream: 'creditLimits',
      value: json(
        rawEnvelope('collectionAction.recorded', {
          actionId: 'A',
          actionType: 'promise',
          text: 'will pay',
          recordedBy: 'anna',
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.promise',
    },
    {
      name: 'a promise of zero',
      stream: 'creditLimits',
      value: json(
        rawEnvelope('collectionAction.recorded', {
          actionId: 'A',
          actionType: 'promise',
          text: 'will pay',
          recordedBy: 'anna',
          promise: { amount: '0.00', date: '2026-03-20' },
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.promise.amount',
    },
    {
      name: 'a stage on a call',
      stream: 'creditLimits',
      value: json(
        rawEnvelope('collectionAction.recorded', {
          actionId: 'A',
          actionType: 'call',
          text: 'no answer',
          recordedBy: 'anna',
          stage: 'legal',
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.stage',
    },
    {
      name: 'a collection action text of 2001 characters',
      stream: 'creditLimits',
      value: json(
        rawEnvelope('collectionAction.recorded', {
          actionId: 'A',
          actionType: 'note',
          text: 'x'.repeat(2001),
          recordedBy: 'anna',
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.text',
    },
    {
      name: 'bad companyId',
      key: bytes('IT 01:C000123'),
      value: json(order(validOrder, { companyId: 'IT 01' })),
      reason: 'VALIDATION_FAILED',
      field: 'companyId',
      message: 'companyId must match ^[A-Za-z0-9_-]{1,32}$',
    },
    {
      name: 'bad customerId',
      key: bytes('IT01:C:1'),
      value: json(order(validOrder, { customerId: 'C:1' })),
      reason: 'VALIDATION_FAILED',
      field: 'customerId',
    },
    {
      name: 'occurredAt without offset',
      value: json(order(validOrder, { occurredAt: '2026-03-01T10:15:00' })),
      reason: 'VALIDATION_FAILED',
      field: 'occurredAt',
    },
    {
      name: 'occurredAt on 2026-02-30',
      value: json(order(validOrder, { occurredAt: '2026-02-30T10:15:00Z' })),
      reason: 'VALIDATION_FAILED',
      field: 'occurredAt',
    },
    {
      name: 'data missing',
      value: json(without(order(validOrder), 'data')),
      reason: 'VALIDATION_FAILED',
      field: 'data',
    },
    {
      name: 'key mismatch',
      key: bytes('IT01:C999'),
      value: json(order(validOrder)),
      reason: 'KEY_MISMATCH',
      field: 'key',
    },
    { name: 'missing key', key: null, value: json(order(validOrder)), reason: 'MISSING_KEY', field: 'key' },
    {
      name: 'empty key',
      key: Buffer.alloc(0),
      value: json(order(validOrder)),
      reason: 'MISSING_KEY',
      field: 'key',
    },
    {
      name: 'money as a JSON number',
      value: json(order({ orderId: 'O1', amount: 10.5 })),
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
      message: /^data\.amount must be a money string matching .*JSON numbers are not accepted/,
    },
    {
      name: 'money with 3 decimals',
      value: json(order({ orderId: 'O1', amount: '10.001' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
      message: 'data.amount must be a money string matching ^[0-9]{1,13}(\\.[0-9]{1,2})?$',
    },
    {
      name: 'money with 14 integer digits',
      value: json(order({ orderId: 'O1', amount: '10000000000000' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
    },
    {
      name: 'money in another notation',
      value: json(order({ orderId: 'O1', amount: '1e3' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
    },
    {
      name: 'negative amount where >= 0',
      value: json(order({ orderId: 'O1', amount: '-1.00' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
    },
    {
      name: 'negative ref amount',
      value: json(
        rawEnvelope('delivery.issued', {
          deliveryId: 'D',
          amount: '1',
          orderRefs: [
            { orderId: 'O1', amount: '1' },
            { orderId: 'O2', amount: '-1' },
          ],
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.orderRefs[1].amount',
    },
    {
      name: 'zero where > 0 (bill)',
      stream: 'billPortfolio',
      value: json(
        rawEnvelope('bill.issued', {
          billId: 'B',
          amount: '0.00',
          dueDate: '2026-05-31',
          instrument: 'riba',
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
      message: 'data.amount must be a money string greater than zero matching ^[0-9]{1,13}(\\.[0-9]{1,2})?$',
    },
    {
      name: 'zero where > 0 (journal line)',
      stream: 'journalEntries',
      value: json(posted([line({}), line({ lineId: 'L2', side: 'credit', amount: '000' })])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[1].amount',
    },
    {
      name: 'date 2026-02-30',
      value: json(order({ ...validOrder, orderDate: '2026-02-30' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.orderDate',
      message: 'data.orderDate must be a real calendar date YYYY-MM-DD',
    },
    {
      name: 'date in another shape',
      value: json(order({ ...validOrder, orderDate: '01/03/2026' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.orderDate',
    },
    {
      name: 'null for an optional field',
      value: json(order({ ...validOrder, orderDate: null })),
      reason: 'VALIDATION_FAILED',
      field: 'data.orderDate',
    },
    {
      name: 'bad enum',
      value: json(rawEnvelope('order.closed', { orderId: 'O1', reason: 'lost' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.reason',
      message: 'data.reason must be one of "cancelled", "completed", "short-closed"',
    },
    {
      name: 'empty journal lines',
      stream: 'journalEntries',
      value: json(posted([])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines',
      message: 'data.lines must not be empty',
    },
    {
      name: 'bad side',
      stream: 'journalEntries',
      value: json(posted([line({ side: 'dare' })])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[0].side',
    },
    {
      name: 'settles on a debit line',
      stream: 'journalEntries',
      value: json(posted([line({ settles: [{ openItemId: 'X', amount: '1' }] })])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[0].settles',
      message: 'data.lines[0].settles is only allowed on a credit line',
    },
    {
      name: 'openItemId without dueDate on a debit line',
      stream: 'journalEntries',
      value: json(posted([line({ openItemId: 'X' })])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[0].dueDate',
    },
    {
      name: 'dueDate without openItemId on a debit line',
      stream: 'journalEntries',
      value: json(posted([line({}), line({ dueDate: '2026-04-30' })])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[1].openItemId',
    },
    {
      name: 'settlement amount as a number',
      stream: 'journalEntries',
      value: json(posted([line({ side: 'credit', settles: [{ openItemId: 'X', amount: 1 }] })])),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[0].settles[0].amount',
    },
    {
      name: 'more than 1000 lines',
      stream: 'journalEntries',
      value: json(posted(Array.from({ length: 1001 }, (_, i) => line({ lineId: String(i) })))),
      reason: 'VALIDATION_FAILED',
      field: 'data.lines',
    },
    {
      name: 'temporaryAmount without temporaryUntil',
      stream: 'creditLimits',
      value: json(limit({ temporaryAmount: '500.00' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.temporaryUntil',
    },
    {
      name: 'temporaryUntil without temporaryAmount',
      stream: 'creditLimits',
      value: json(limit({ temporaryUntil: '2026-12-24' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.temporaryAmount',
    },
    {
      name: 'paymentTermsDays above ten years on a check',
      stream: 'documents',
      value: json(
        rawEnvelope('document.checkRequested', {
          documentType: 'order',
          documentId: 'O1',
          amount: '1.00',
          paymentTermsDays: 3651,
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.paymentTermsDays',
      message: 'data.paymentTermsDays must be <= 3650',
    },
    {
      name: 'credit class code with a space',
      stream: 'creditLimits',
      value: json(
        rawEnvelope('creditClass.assigned', { code: 'B 2', maxPaymentTermsDays: 60, assignedBy: 'cm' }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.code',
      message: 'data.code must match ^[A-Za-z0-9_-]{1,32}$',
    },
    {
      name: 'credit class with a negative maximum document amount',
      stream: 'creditLimits',
      value: json(
        rawEnvelope('creditClass.assigned', {
          code: 'B2',
          maxPaymentTermsDays: 60,
          maxDocumentAmount: '-1.00',
          assignedBy: 'cm',
        }),
      ),
      reason: 'VALIDATION_FAILED',
      field: 'data.maxDocumentAmount',
    },
    {
      name: 'manual block reason of 501 characters',
      stream: 'creditLimits',
      value: json(rawEnvelope('manualBlock.set', { reason: 'r'.repeat(501), setBy: 'cm' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.reason',
    },
    {
      name: 'manual block on the documents topic',
      stream: 'documents',
      value: json(rawEnvelope('manualBlock.set', { reason: 'r', setBy: 'cm' })),
      reason: 'WRONG_TOPIC',
      field: 'type',
    },
    {
      name: 'attentionThresholdPct 0',
      stream: 'creditLimits',
      value: json(limit({ attentionThresholdPct: 0 })),
      reason: 'VALIDATION_FAILED',
      field: 'data.attentionThresholdPct',
      message: 'data.attentionThresholdPct must be >= 1',
    },
    {
      name: 'attentionThresholdPct 101',
      stream: 'creditLimits',
      value: json(limit({ attentionThresholdPct: 101 })),
      reason: 'VALIDATION_FAILED',
      field: 'data.attentionThresholdPct',
      message: 'data.attentionThresholdPct must be <= 100',
    },
    {
      name: 'attentionThresholdPct not an integer',
      stream: 'creditLimits',
      value: json(limit({ attentionThresholdPct: 80.5 })),
      reason: 'VALIDATION_FAILED',
      field: 'data.attentionThresholdPct',
    },
    {
      name: 'overdueToleranceDays negative',
      stream: 'creditLimits',
      value: json(limit({ overdueToleranceDays: -1 })),
      reason: 'VALIDATION_FAILED',
      field: 'data.overdueToleranceDays',
    },
    {
      name: 'blockOnOverdue as a string',
      stream: 'creditLimits',
      value: json(limit({ blockOnOverdue: 'true' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.blockOnOverdue',
    },
    {
      name: 'missing required data field',
      stream: 'creditLimits',
      value: json(rawEnvelope('creditLimit.set', { amount: '1', mode: 'warn' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.setBy',
      message: 'data.setBy is required',
    },
    {
      name: 'empty document id',
      value: json(order({ orderId: '', amount: '1' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.orderId',
    },
    {
      name: 'document id of 129 characters',
      value: json(order({ orderId: 'x'.repeat(129), amount: '1' })),
      reason: 'VALIDATION_FAILED',
      field: 'data.orderId',
    },
  ];

  it.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const { stream = 'documents', key = KEY, value, maxBytes, reason, field, message } = c as Case;
    const result = decodeInputEvent(stream, key, value, maxBytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ reason: result.reason, field: result.field }).toEqual({ reason, field });
    expect(result.message.length).toBeGreaterThan(0);
    if (field !== undefined) expect(result.message).toContain(field);
    if (message !== undefined)
      expect(result.message).toMatch(message instanceof RegExp ? message : exact(message));
  });

  const exact = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

  it('checks in the documented order: size, JSON, object, type, stream, schemaVersion, schema, key', () => {
    const bad = { ...order({ amount: 1 }, { schemaVersion: 2 }), companyId: '!!' };
    const fails = (stream: InputStream, value: unknown, key: Buffer | null = null, maxBytes?: number) => {
      const result = decodeInputEvent(
        stream,
        key,
        typeof value === 'string' ? bytes(value) : json(value),
        maxBytes,
      );
      return result.ok ? 'OK' : result.reason;
    };
    expect(fails('documents', 'x'.repeat(50), null, 10)).toBe('TOO_LARGE');
    expect(fails('documents', 'x'.repeat(50))).toBe('NOT_JSON');
    expect(fails('documents', [bad])).toBe('NOT_AN_OBJECT');
    expect(fails('documents', { ...bad, type: 'nope' })).toBe('UNKNOWN_TYPE');
    expect(fails('customers', bad)).toBe('WRONG_TOPIC');
    expect(fails('documents', bad)).toBe('UNSUPPORTED_SCHEMA_VERSION');
    expect(fails('documents', { ...bad, schemaVersion: 1 })).toBe('VALIDATION_FAILED');
    expect(fails('documents', order(validOrder))).toBe('MISSING_KEY');
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(STREAM_EVENT_TYPES) as InputStream[])),
        fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
        ),
        (stream, key, value) => {
          const result = decodeInputEvent(stream, key && Buffer.from(key), Buffer.from(value));
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
  });
});

describe('decodeInputEvent: property', () => {
  /** Every value under a key named `amount` (all money fields are called amount), with its path. */
  const collect = (
    value: unknown,
    path: string,
    out: Map<string, unknown>,
    isMoney: (v: unknown) => boolean,
  ) => {
    if (Array.isArray(value)) value.forEach((v, i) => collect(v, `${path}[${i}]`, out, isMoney));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k.startsWith('x_')) continue; // unknown extra fields of the generator
        if (k === 'amount' && isMoney(v)) out.set(`${path}.${k}`, v);
        else collect(v, `${path}.${k}`, out, isMoney);
      }
    }
  };
  /** "007.5" -> "7.50": written independently of parseMoney/formatMoney. */
  const normalise = (money: string) => {
    const [units, fraction = ''] = money.split('.');
    return `${units.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
  };

  it('any valid envelope decodes, keeps its identity and its amounts format back to the same value', () => {
    fc.assert(
      fc.property(validEventArb(), ({ stream, envelope }) => {
        const fact = ok(decode(stream, envelope, customerKey(envelope.companyId, envelope.customerId)));
        expect(fact.type).toBe(envelope.type);
        expect([fact.eventId, fact.occurredAt, fact.companyId, fact.customerId]).toEqual([
          envelope.eventId,
          envelope.occurredAt,
          envelope.companyId,
          envelope.customerId,
        ]);
        const raw = new Map<string, unknown>();
        const cents = new Map<string, unknown>();
        collect(envelope.data, '', raw, (v) => typeof v === 'string');
        collect(fact, '', cents, (v) => typeof v === 'bigint');
        expect([...cents.keys()].sort()).toEqual([...raw.keys()].sort());
        for (const [path, money] of raw)
          expect(formatMoney(cents.get(path) as bigint)).toBe(normalise(money as string));
      }),
      { numRuns: 2000 },
    );
  });

  it('the generator covers every event type', () => {
    const seen = new Set(fc.sample(validEventArb(), 2000).map((e) => e.envelope.type));
    expect(seen).toEqual(new Set(INPUT_EVENT_TYPES));
  });
});

describe('decodeInputEvent: every free text field is storable by Postgres, or dead-lettered', () => {
  type Json = Record<string, unknown>;
  /** Paths of every free text of `instance`: strings with a length limit, not a pattern, enum or date. */
  function textFields(schema: JsonSchema, instance: unknown, path: (string | number)[] = []) {
    const found: { path: (string | number)[]; maxLength: number }[] = [];
    if (typeof schema.maxLength === 'number' && typeof instance === 'string') {
      found.push({ path, maxLength: schema.maxLength as number });
    } else if (Array.isArray(instance) && schema.items) {
      instance.forEach((item, i) =>
        found.push(...textFields(schema.items as JsonSchema, item, [...path, i])),
      );
    } else if (typeof instance === 'object' && instance !== null && schema.properties) {
      for (const [name, value] of Object.entries(instance)) {
        const property = (schema.properties as Record<string, JsonSchema>)[name];
        if (property) found.push(...textFields(property, value, [...path, name]));
      }
    }
    return found;
  }
  const withValue = (envelope: RawEnvelope, path: (string | number)[], value: string): RawEnvelope => {
    const copy = JSON.parse(JSON.stringify(envelope)) as Json;
    const parent = path.slice(0, -1).reduce<Json>((node, key) => node[key] as Json, copy);
    parent[path[path.length - 1]] = value;
    return copy as unknown as RawEnvelope;
  };
  const fieldName = (path: (string | number)[]) =>
    path.reduce<string>(
      (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${key}` : key),
      '',
    );

  const cases = INPUT_EVENT_TYPES.flatMap((type) =>
    INPUT_EXAMPLES[type].flatMap((example) =>
      textFields(inputEventSchema(type), example).map(({ path, maxLength }) => ({
        type,
        example,
        path,
        maxLength,
      })),
    ),
  );

  it('covers the free text fields of every input event type', () => {
    expect(new Set(cases.map((c) => c.type))).toEqual(new Set(INPUT_EVENT_TYPES));
    expect(cases.length).toBeGreaterThan(INPUT_EVENT_TYPES.length);
  });

  it.each(cases.map((c) => [`${c.type} ${fieldName(c.path)}`, c] as const))(
    '%s: NUL and unpaired surrogates are dead-lettered; the longest storable value decodes',
    (_name, { type, example, path, maxLength }) => {
      const stream = INPUT_STREAMS.find((s) => STREAM_EVENT_TYPES[s].includes(type))!;
      const field = fieldName(path);
      for (const poison of ['a\u0000b', '\u0000', 'a\uD800b', 'a\uDC00', '\uDBFF', '\uDE00\uD83D']) {
        const result = decode(stream, withValue(example, path, poison));
        expect(result).toMatchObject({ ok: false, reason: 'VALIDATION_FAILED', field });
        expect(!result.ok && result.message).toContain('no NUL character (U+0000)');
      }
      // Lengths count characters, as varchar(n) does: a surrogate pair is one character.
      const atLimit = '😀'.repeat(maxLength);
      expect(decode(stream, withValue(example, path, atLimit)).ok).toBe(true);
      expect(decode(stream, withValue(example, path, `${atLimit}x`))).toMatchObject({
        ok: false,
        reason: 'VALIDATION_FAILED',
        field,
      });
    },
  );
});
