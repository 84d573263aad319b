import { readDeadLetter, redrivenEventId } from './dead-letters';
import { deadLetterMessage, deadLetterRecord } from './outputs';

describe('reading the dead-letter topic back', () => {
  const source = {
    topic: 'erp.documents',
    partition: 2,
    offset: '1842',
    key: Buffer.from('IT01:C000123'),
    value: Buffer.from(
      '{"type":"order.confirmed","companyId":"IT01","customerId":"C000123","data":{"amount":1}}',
    ),
    timestamp: '1772356500000',
  };
  const failure = {
    reason: 'VALIDATION_FAILED' as const,
    field: 'data.amount',
    message: 'data.amount must be text',
  };
  const at = '2026-03-01T10:15:00.000Z';

  it('gives back the record the engine wrote, with the original bytes and what they say of themselves', () => {
    const message = deadLetterMessage('risk.dead-letter', source, failure, at);
    const read = readDeadLetter(message.key, message.value, message.headers);
    expect(read).toEqual({
      ok: true,
      letter: {
        record: deadLetterRecord(source, failure, at),
        key: source.key,
        value: source.value,
        companyId: 'IT01',
        customerId: 'C000123',
        eventType: 'order.confirmed',
      },
    });
  });

  it('keeps a tombstone a tombstone, and bytes that are not JSON as they are', () => {
    const tombstone = deadLetterMessage('dl', { ...source, value: null }, failure, at);
    const read = readDeadLetter(tombstone.key, tombstone.value, tombstone.headers);
    expect(read.ok && read.letter.value).toBeNull();
    const garbage = deadLetterMessage('dl', { ...source, value: Buffer.from([0xff, 0x00]) }, failure, at);
    const readGarbage = readDeadLetter(garbage.key, garbage.value, garbage.headers);
    expect(readGarbage.ok && readGarbage.letter).toMatchObject({
      value: Buffer.from([0xff, 0x00]),
      companyId: null,
    });
  });

  it('refuses a message whose headers are not a dead letter, naming the header', () => {
    const message = deadLetterMessage('dl', source, failure, at);
    const { ['dlq.reason']: _dropped, ...headers } = message.headers;
    expect(readDeadLetter(message.key, message.value, headers)).toEqual({
      ok: false,
      message: expect.stringMatching(/^dead-letter headers: .*dlq\.reason/),
    });
  });

  it('gives the corrected copy a new eventId, the same for the same dead letter', () => {
    const id = deadLetterRecord(source, failure, at).eventId;
    expect(redrivenEventId(id)).not.toBe(id);
    expect(redrivenEventId(id)).toBe(redrivenEventId(id));
    expect(redrivenEventId(id)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
