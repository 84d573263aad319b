import { CustomerRecord, newCustomerRecord, reassess } from '@credit/domain';
import { documentOutcomeEvent, HistoryEntry, outputEvent } from '@credit/contracts';
import { docsOf, ev, instalment, params, payment } from '../../domain/test/fixtures';
import {
  bindValues,
  detailRows,
  eventRows,
  EXPOSURE_COLUMNS,
  exposureRow,
  holdRows,
} from './read-model-rows';

const TODAY = '2026-04-15';
const AS_OF = new Date('2026-04-15T08:00:00Z');

/** A customer with an open order, an invoice in two instalments (one paid late), a dishonoured bill and a limit. */
function customer(): CustomerRecord {
  const documents = docsOf(
    ev.customer('Rossi S.p.A.'),
    ev.limit('1000.00', { pct: 80 }),
    ev.order('SO-1', '300.00'),
    ev.post('JE-1', '2026-03-01', [
      instalment('INV-1', 'OI-1', '200.00', '2026-03-10'),
      instalment('INV-1', 'OI-2', '200.00', '2026-04-10'),
    ]),
    ev.post('JE-2', '2026-03-20', [payment('200.00', [['OI-1', '200.00']])]),
    ev.bill('B-1', '150.00', '2026-03-31'),
    ev.presentBill('B-1'),
    ev.dishonourBill('B-1', '2026-04-01'),
  );
  const { record } = reassess(newCustomerRecord('IT01', 'C000123'), documents, TODAY, params());
  return { ...record, version: 9 };
}

describe('read-model rows derived from the customer record', () => {
  it("derives the customer_exposure row from the record's assessment and profile", () => {
    const record = customer();
    const row = exposureRow(record, AS_OF);
    expect(row).toMatchObject({
      company_id: 'IT01',
      customer_id: 'C000123',
      orders: '300.00',
      limit_amount: '1000.00',
      limit_mode: 'block',
      attention_threshold_pct: 80,
      status: record.assessment!.status,
      total: expect.stringMatching(/^\d+\.\d\d$/),
      state_version: 9,
      as_of: AS_OF,
      customer_name: 'Rossi S.p.A.',
      business_date: TODAY,
      dishonoured_bills_12m: 1,
    });
    // Every column has a value, in the column order the INSERT binds.
    expect(Object.keys(row).sort()).toEqual([...EXPOSURE_COLUMNS].sort());
    expect(bindValues(EXPOSURE_COLUMNS, row)).toHaveLength(EXPOSURE_COLUMNS.length);
    expect(bindValues(EXPOSURE_COLUMNS, row)[0]).toBe('IT01');
  });

  it('derives the documents, open items, settlements and dishonoured bills behind it', () => {
    const rows = detailRows(customer(), params());
    expect(rows.documents).toContainEqual(
      expect.objectContaining({
        component: 'orders',
        document_id: 'SO-1',
        amount: '300.00',
        state_version: 9,
      }),
    );
    expect(rows.openItems.map((r) => [r.open_item_id, r.amount, r.residual])).toEqual([
      ['OI-1', '200.00', '0.00'],
      ['OI-2', '200.00', '200.00'],
    ]);
    expect(rows.settlements).toEqual([
      expect.objectContaining({
        open_item_id: 'OI-1',
        amount: '200.00',
        days_late: 10,
        due_date: '2026-03-10',
      }),
    ]);
    expect(rows.dishonoured).toEqual([
      expect.objectContaining({ bill_id: 'B-1', amount: '150.00', dishonoured_on: '2026-04-01' }),
    ]);
    // The same record gives the same rows: the projection may run twice.
    expect(detailRows(customer(), params())).toEqual(rows);
  });

  it('refuses a record never assessed (the projection only writes assessed customers)', () => {
    expect(() => exposureRow(newCustomerRecord('IT01', 'C1'), AS_OF)).toThrow('has no assessment');
  });
});

describe('read-model rows derived from the history entries', () => {
  const head = { companyId: 'IT01', customerId: 'C1', sequence: 4, occurredAt: '2026-04-15T08:00:00.000Z' };
  const request = {
    documentType: 'order' as const,
    documentId: 'SO-9',
    amount: 500_00n,
    orderRefs: [],
    deliveryRefs: [],
  };
  const hold = documentOutcomeEvent(
    { ...head, causationId: 'chk-1' },
    request,
    {
      result: {
        decision: 'HOLD',
        severity: 'block',
        exposureBefore: 900_00n,
        exposureAfter: 1400_00n,
        incremental: 500_00n,
        limit: 1000_00n,
        excess: 400_00n,
        reasons: ['LIMIT_EXCEEDED'],
        statusBefore: 'WARNING',
        statusAfter: 'EXCEEDED',
      },
      holdId: 'hold-1',
    },
    { requestedBy: 'u1' },
  ) as HistoryEntry;
  const pending = documentOutcomeEvent({ ...head, causationId: 'chk-2' }, request, {
    pendingHoldId: 'hold-1',
  }) as HistoryEntry;
  const blocked = outputEvent({
    ...head,
    causationId: 'in-1',
    type: 'customer.blocked',
    data: { reasons: ['OVERDUE'] },
  });

  it('gives one exposure_event row per eventId, sorted by it', () => {
    const rows = eventRows([blocked, hold, blocked, pending]);
    expect(rows.map((r) => r.event_id)).toEqual([blocked.eventId, hold.eventId, pending.eventId].sort());
    expect(rows.find((r) => r.event_id === blocked.eventId)).toEqual({
      event_id: blocked.eventId,
      company_id: 'IT01',
      customer_id: 'C1',
      type: 'customer.blocked',
      sequence: 4,
      causation_id: 'in-1',
      occurred_at: '2026-04-15T08:00:00.000Z',
      data: '{"reasons":["OVERDUE"]}',
    });
  });

  it('records a hold for a fresh HOLD of an asynchronous check, once, and none for a check naming it', () => {
    expect(holdRows([blocked, hold, pending, hold])).toEqual([
      {
        hold_id: 'hold-1',
        company_id: 'IT01',
        customer_id: 'C1',
        document_type: 'order',
        document_id: 'SO-9',
        amount: '500.00',
        exposure_before: '900.00',
        exposure_after: '1400.00',
        limit_amount: '1000.00',
        excess: '400.00',
        reasons: ['LIMIT_EXCEEDED'],
        requested_by: 'u1',
        source: 'event',
        causation_id: 'chk-1',
        created_at: '2026-04-15T08:00:00.000Z',
      },
    ]);
    expect(holdRows([pending])).toEqual([]);
  });
});
