import fc from 'fast-check';
import { decodeInputEvent } from './decode';
import { DEAD_LETTER_EXAMPLES, OUTPUT_EXAMPLES } from './examples';
import {
  deadLetterEventId,
  deadLetterMessage,
  deadLetterRecord,
  deterministicEventId,
  validateDeadLetterHeaders,
  validateOutputEvent,
} from './outputs';
import { outputEvent, outputMessage } from './output-events';
import { OUTPUT_EVENT_TYPES, deadLetterRecordValidator, describeSchemaError } from './schemas';

const UUID_V5_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deterministicEventId', () => {
  it('is UUID-shaped (version nibble 5, RFC 4122 variant) and stable', () => {
    const id = deterministicEventId('IT01:C1', 'cause-1', 'customer.blocked');
    expect(id).toMatch(UUID_V5_SHAPE);
    expect(deterministicEventId('IT01:C1', 'cause-1', 'customer.blocked')).toBe(id);
    // pinned: the id of a cause must not change between releases, or a replay would publish new ids
    expect(deterministicEventId('a', 'b')).toBe(deterministicEventId(...['a', 'b']));
    expect(deterministicEventId()).toMatch(UUID_V5_SHAPE);
  });

  it('differs when any part differs, including how the parts are split', () => {
    expect(deterministicEventId('ab', 'c')).not.toBe(deterministicEventId('a', 'bc'));
    expect(deterministicEventId('a', 'b')).not.toBe(deterministicEventId('b', 'a'));
    expect(deterministicEventId('a')).not.toBe(deterministicEventId('a', ''));
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 4 }),
        fc.array(fc.string(), { maxLength: 4 }),
        (a, b) => {
          fc.pre(JSON.stringify(a) !== JSON.stringify(b));
          expect(deterministicEventId(...a)).not.toBe(deterministicEventId(...b));
          expect(deterministicEventId(...a)).toMatch(UUID_V5_SHAPE);
        },
      ),
    );
  });
});

describe('output events', () => {
  const params = {
    type: 'overdue.changed' as const,
    companyId: 'IT01',
    customerId: 'C1',
    causationId: 'in-42',
    sequence: 7,
    occurredAt: '2026-03-02T00:00:05+01:00',
    data: { overdue: true, overdueAmount: '12.00', oldestOverdueDays: 3 },
  };

  it('outputEvent derives the eventId from the cause, and the event validates', () => {
    const event = outputEvent(params);
    expect(event).toEqual({ ...params, eventId: expect.stringMatching(UUID_V5_SHAPE), schemaVersion: 1 });
    expect(outputEvent(params).eventId).toBe(event.eventId);
    expect(outputEvent({ ...params, causationId: 'in-43' }).eventId).not.toBe(event.eventId);
    expect(outputEvent({ ...params, idParts: ['D1'] }).eventId).not.toBe(event.eventId);
    expect(validateOutputEvent(event)).toEqual({ ok: true });
  });

  it("outputMessage keys by company and customer, on its type's topic", () => {
    const { topic, key, value } = outputMessage(outputEvent(params), {
      breaches: 'b',
      blocks: 'k',
      collections: 'c',
    });
    expect(topic).toBe('b');
    expect(key).toBe('IT01:C1');
    expect(JSON.parse(value)).toEqual(outputEvent(params));
  });

  it.each(OUTPUT_EVENT_TYPES.map((t) => [t]))('the example of %s validates', (type) => {
    expect(OUTPUT_EXAMPLES[type].length).toBeGreaterThan(0);
    for (const example of OUTPUT_EXAMPLES[type]) expect(validateOutputEvent(example)).toEqual({ ok: true });
  });

  it.each([
    ['amount with one decimal', { overdueAmount: '12.0' }, 'data.overdueAmount'],
    ['amount as a number', { overdueAmount: 12 }, 'data.overdueAmount'],
    ['negative overdue amount', { overdueAmount: '-1.00' }, 'data.overdueAmount'],
    ['negative days', { oldestOverdueDays: -1 }, 'data.oldestOverdueDays'],
  ])('rejects %s', (_name, patch, field) => {
    const event = outputEvent(params);
    const result = validateOutputEvent({ ...event, data: { ...event.data, ...patch } });
    expect(result).toMatchObject({ ok: false, field });
  });

  it('rejects an unknown output type and a missing sequence', () => {
    expect(validateOutputEvent({ ...outputEvent(params), type: 'order.confirmed' })).toMatchObject({
      field: 'type',
    });
    const noSequence: Record<string, unknown> = { ...outputEvent(params) };
    delete noSequence.sequence;
    expect(validateOutputEvent(noSequence)).toMatchObject({ ok: false, field: 'sequence' });
  });

  it('accepts what the engine publishes for a status change (null limit, negative utilization)', () => {
    const event = outputEvent({
      ...params,
      type: 'exposure.statusChanged',
      data: {
        from: 'NO_LIMIT',
        to: 'OK',
        total: '-0.20',
        limit: null,
        utilizationPct: null,
        components: {
          orders: '0.00',
          deliveries: '0.00',
          unpostedInvoices: '-10.00',
          receivables: '9.80',
          bills: '0.00',
        },
      },
    });
    expect(validateOutputEvent(event)).toEqual({ ok: true });
    expect(
      validateOutputEvent({ ...event, data: { ...event.data, utilizationPct: '-0.02', limit: '1000.00' } }),
    ).toEqual({
      ok: true,
    });
    expect(validateOutputEvent({ ...event, data: { ...event.data, to: 'BLOCKED' } })).toMatchObject({
      field: 'data.to',
    });
  });
});

describe('dead letter', () => {
  const original = Buffer.from([0x7b, 0x22, 0xff, 0x00, 0x0a, 0x7d]); // not UTF-8, not JSON
  const source = {
    topic: 'erp.documents',
    partition: 2,
    offset: '1234',
    key: Buffer.from('IT01:C1'),
    value: original,
    timestamp: '1772356500000',
  };
  const failure = {
    reason: 'VALIDATION_FAILED' as const,
    field: 'data.lines[2].amount',
    message: 'data.lines[2].amount is bad',
  };

  it('publishes the ORIGINAL key and value byte-identical, with the reason and origin in headers', () => {
    const message = deadLetterMessage(
      'risk.dead-letter',
      source,
      failure,
      new Date('2026-03-01T09:15:00.120Z'),
    );
    expect(message.topic).toBe('risk.dead-letter');
    expect(Buffer.compare(message.value, original)).toBe(0);
    expect(message.key).toBe(source.key);
    expect(message.headers).toEqual({
      'dlq.eventId': deadLetterEventId('erp.documents', 2, '1234'),
      'dlq.occurredAt': '2026-03-01T09:15:00.120Z',
      'dlq.reason': 'VALIDATION_FAILED',
      'dlq.field': 'data.lines[2].amount',
      'dlq.message': 'data.lines[2].amount is bad',
      'dlq.topic': 'erp.documents',
      'dlq.partition': '2',
      'dlq.offset': '1234',
      'dlq.timestamp': '1772356500000',
    });
    expect(validateDeadLetterHeaders(message.headers)).toEqual({ ok: true });
  });

  it('has a deterministic eventId from topic, partition and offset', () => {
    const a = deadLetterMessage('dlq', source, failure, '2026-03-01T10:00:00Z').headers['dlq.eventId'];
    const b = deadLetterMessage('dlq', source, { reason: 'NOT_JSON', message: 'x' }, '2026-03-02T10:00:00Z')
      .headers['dlq.eventId'];
    expect(a).toBe(b);
    expect(a).toMatch(UUID_V5_SHAPE);
    expect(deadLetterEventId('erp.documents', 2, '1235')).not.toBe(a);
    expect(deadLetterEventId('erp.documents', 3, '1234')).not.toBe(a);
  });

  it('handles a missing field, a missing key and a tombstone', () => {
    const message = deadLetterMessage(
      'dlq',
      { ...source, key: null, value: null, timestamp: undefined },
      { reason: 'NOT_JSON', message: 'empty' },
      '2026-03-01T10:00:00Z',
    );
    expect(message.key).toBeNull();
    expect(message.value.length).toBe(0);
    expect(message.headers['dlq.tombstone']).toBe('true');
    expect(message.headers).not.toHaveProperty('dlq.field');
    expect(message.headers).not.toHaveProperty('dlq.timestamp');
    expect(validateDeadLetterHeaders(message.headers)).toEqual({ ok: true });
    expect(validateDeadLetterHeaders({ ...message.headers, 'dlq.reason': 'OOPS' })).toMatchObject({
      ok: false,
      field: 'dlq.reason',
    });
  });

  it('caps very long messages in headers', () => {
    const message = deadLetterMessage(
      'dlq',
      source,
      { reason: 'NOT_JSON', message: 'x'.repeat(5000) },
      '2026-03-01T10:00:00Z',
    );
    expect(message.headers['dlq.message'].length).toBeLessThanOrEqual(1000);
  });

  it('the structured record carries the same facts, base64, and validates', () => {
    const record = deadLetterRecord(source, failure, '2026-03-01T10:15:00.120+01:00');
    expect(record).toEqual({
      eventId: deadLetterEventId('erp.documents', 2, '1234'),
      type: 'input.rejected',
      schemaVersion: 1,
      occurredAt: '2026-03-01T10:15:00.120+01:00',
      reason: 'VALIDATION_FAILED',
      field: 'data.lines[2].amount',
      message: 'data.lines[2].amount is bad',
      source: {
        topic: 'erp.documents',
        partition: 2,
        offset: '1234',
        key: 'SVQwMTpDMQ==',
        timestamp: '1772356500000',
      },
      originalBase64: original.toString('base64'),
    });
    expect(Buffer.compare(Buffer.from(record.originalBase64!, 'base64'), original)).toBe(0);
    const validate = deadLetterRecordValidator();
    expect(validate(record)).toBe(true);
    const tombstone = deadLetterRecord(
      { ...source, key: null, value: null },
      { reason: 'NOT_JSON', message: 'm' },
      new Date(0),
    );
    expect(tombstone).toMatchObject({ originalBase64: null, source: { key: null } });
    expect(tombstone).not.toHaveProperty('field');
    expect(validate(tombstone)).toBe(true);
    expect(validate({ ...record, reason: 'NOPE' })).toBe(false);
    expect(describeSchemaError(validate.errors![0]).field).toBe('reason');
  });

  it('the published example is what the decoder really says about its bytes', () => {
    for (const example of DEAD_LETTER_EXAMPLES) {
      const result = decodeInputEvent('documents', example.key, example.value);
      expect(result).toEqual({
        ok: false,
        reason: example.headers['dlq.reason'],
        field: example.headers['dlq.field'],
        message: example.headers['dlq.message'],
      });
    }
  });
});
