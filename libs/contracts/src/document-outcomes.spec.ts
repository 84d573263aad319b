import { documentHoldId, pendingHoldData } from './document-outcomes';
import { validateOutputEvent } from './outputs';

describe('documentHoldId', () => {
  const document = { companyId: 'IT01', customerId: 'C1', documentType: 'order', documentId: 'SO-1' };

  it('is the same for every check of one document in one generation, so a pending hold has one id', () => {
    expect(documentHoldId({ ...document }, 0)).toBe(documentHoldId(document, 0));
    expect(documentHoldId(document, 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('differs by generation, document, document type, customer and company', () => {
    const ids = [
      documentHoldId(document, 0),
      documentHoldId(document, 1),
      documentHoldId({ ...document, documentId: 'SO-2' }, 0),
      documentHoldId({ ...document, documentType: 'invoice' }, 0),
      documentHoldId({ ...document, customerId: 'C2' }, 0),
      documentHoldId({ ...document, companyId: 'IT02' }, 0),
      // ids with separators cannot collide with another split of the same characters
      documentHoldId({ ...document, customerId: 'C1:order', documentType: 'SO-1' }, 0),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('pendingHoldData', () => {
  const held = (data: object) => ({
    eventId: '6f1c2a5e-1b2c-5d3e-8f40-0a1b2c3d4e5f',
    type: 'document.held',
    schemaVersion: 1,
    occurredAt: '2026-03-01T09:15:00.000Z',
    companyId: 'IT01',
    customerId: 'C1',
    causationId: 'check-2',
    sequence: 7,
    data,
  });

  it('names the pending hold and the checked document, with no figures of a decision, as a valid document.held', () => {
    const data = pendingHoldData(
      { documentType: 'order', documentId: 'SO-1', amount: 30000n },
      { requestedBy: 'luca', holdId: 'hold-1' },
    );
    expect(data).toEqual({
      documentType: 'order',
      documentId: 'SO-1',
      amount: '300.00',
      requestedBy: 'luca',
      holdId: 'hold-1',
    });
    expect(validateOutputEvent(held(data))).toEqual({ ok: true });
    expect(
      pendingHoldData({ documentType: 'order', documentId: 'SO-1', amount: 30000n }, { holdId: 'hold-1' }),
    ).not.toHaveProperty('requestedBy');
  });
});
