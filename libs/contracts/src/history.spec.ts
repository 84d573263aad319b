import { decodeHistoryEntry } from './history';
import { outputEvent } from './output-events';

const blocked = outputEvent({
  type: 'customer.blocked',
  companyId: 'IT01',
  customerId: 'C1',
  causationId: 'in-1',
  sequence: 3,
  occurredAt: '2026-03-20T09:00:00.000Z',
  data: { reasons: ['OVERDUE'] },
});

describe('decodeHistoryEntry', () => {
  it('reads a published event back as the typed entry it is', () => {
    const decoded = decodeHistoryEntry(JSON.parse(JSON.stringify(blocked)));
    expect(decoded).toEqual({ ok: true, entry: blocked });
    if (decoded.ok && decoded.entry.type === 'customer.blocked') {
      expect(decoded.entry.data.reasons).toEqual(['OVERDUE']);
    }
  });

  it.each([
    ['no eventId', { ...blocked, eventId: undefined }, 'eventId'],
    ['a type no output event has', { ...blocked, type: 'customer.renamed' }, 'type'],
    ['data of another type', { ...blocked, data: { previousReasons: ['OVERDUE'] } }, 'data'],
    ['a sequence as text', { ...blocked, sequence: '3' }, 'sequence'],
  ])('refuses an entry with %s, naming the field', (_name, value, field) => {
    const decoded = decodeHistoryEntry(JSON.parse(JSON.stringify(value)));
    expect(decoded).toMatchObject({ ok: false, field: expect.stringContaining(field) });
  });

  it('refuses what is no object at all', () => {
    expect(decodeHistoryEntry(null)).toMatchObject({ ok: false, field: 'type' });
    expect(decodeHistoryEntry('customer.blocked')).toMatchObject({ ok: false });
  });
});
