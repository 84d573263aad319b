import {
  applyFacts,
  DEFAULT_PARAMETERS,
  emptyDocuments,
  Fact,
  newCustomerRecord,
  parseMoney,
  reassess,
} from '@credit/domain';
import { exposureViewOfRecord } from './exposure.view';

const envelope = (n: number) => ({
  eventId: `e-${n}`,
  occurredAt: '2026-03-01T10:15:00+01:00',
  companyId: 'IT01',
  customerId: 'C1',
});

describe('exposure resource from the live state', () => {
  it('carries the credit class, the active manual block, the temporary limit and the review date', () => {
    const facts: Fact[] = [
      {
        ...envelope(1),
        type: 'creditLimit.set',
        amount: parseMoney('1000.00'),
        mode: 'warn',
        attentionThresholdPct: 80,
        temporaryAmount: parseMoney('5000.00'),
        temporaryUntil: '2026-03-31',
        blockOnOverdue: true,
        overdueToleranceDays: 0,
        setBy: 'maria',
      },
      {
        ...envelope(2),
        type: 'creditClass.assigned',
        code: 'B2',
        maxPaymentTermsDays: 60,
        maxDocumentAmount: parseMoney('20000.00'),
        reviewEveryDays: 365,
        assignedBy: 'maria',
      },
      { ...envelope(3), type: 'manualBlock.set', reason: 'dispute', until: '2026-03-20', setBy: 'maria' },
    ];
    const docs = applyFacts(emptyDocuments(), facts);
    const { record } = reassess(newCustomerRecord('IT01', 'C1'), docs, '2026-03-15', DEFAULT_PARAMETERS);
    expect(exposureViewOfRecord(record, new Date('2026-03-15T09:00:00Z'))).toMatchObject({
      limit: {
        amount: '1000.00',
        temporaryAmount: '5000.00',
        temporaryUntil: '2026-03-31',
        effectiveAmount: '5000.00',
      },
      creditClass: { code: 'B2', maxPaymentTermsDays: 60, maxDocumentAmount: '20000.00' },
      manualBlock: { reason: 'dispute', until: '2026-03-20' },
      reviewDueOn: '2027-03-01',
      blocked: true,
      blockReasons: ['MANUAL'],
    });
  });
});
