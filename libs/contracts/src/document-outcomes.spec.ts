import { documentHoldId } from './document-outcomes';

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
