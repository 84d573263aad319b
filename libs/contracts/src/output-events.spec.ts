import { CreditCheckResult } from '../../domain/src/credit-check';
import { Notification } from '../../domain/src/notifications';
import { notificationEvent } from './notification-events';
import {
  documentOutcomeEvent,
  notificationEvents,
  outputEvent,
  outputEventId,
  outputMessage,
} from './output-events';
import { deterministicEventId, validateOutputEvent } from './outputs';

const TOPICS = { breaches: 'risk.breaches', blocks: 'risk.blocks', collections: 'risk.collections' };
const head = {
  companyId: 'IT01',
  customerId: 'C1',
  causationId: 'in-42',
  occurredAt: '2026-03-01T09:00:00.000Z',
};

describe('outputEventId, the one eventId recipe', () => {
  it('derives from the customer key, the cause, the type and the extra parts, in that order', () => {
    expect(outputEventId('IT01', 'C1', 'in-42', 'customer.blocked')).toBe(
      deterministicEventId('IT01:C1', 'in-42', 'customer.blocked'),
    );
    expect(outputEventId('IT01', 'C1', 'req-1', 'document.released', 'hold-1')).toBe(
      deterministicEventId('IT01:C1', 'req-1', 'document.released', 'hold-1'),
    );
    // pinned: the engine's ids must not change between releases, or a rebuild would publish new ids
    expect(outputEventId('IT01', 'C1', 'in-42', 'customer.blocked')).toBe(
      '201a86b6-a96f-5543-81a7-cec27a235580',
    );
  });

  it('is what every builder of the family stamps: engine, API and notifier events', () => {
    const blocked = outputEvent({
      ...head,
      sequence: 3,
      type: 'customer.blocked',
      data: { reasons: ['OVERDUE'] },
    });
    expect(blocked.eventId).toBe(outputEventId('IT01', 'C1', 'in-42', 'customer.blocked'));
    const released = outputEvent({
      ...head,
      sequence: 0,
      type: 'customer.unblocked',
      data: { previousReasons: ['OVERDUE'] },
      idParts: ['hold-1'],
    });
    expect(released.eventId).toBe(outputEventId('IT01', 'C1', 'in-42', 'customer.unblocked', 'hold-1'));
    const delivered = notificationEvent({
      type: 'notification.delivered',
      occurredAt: head.occurredAt,
      companyId: 'IT01',
      customerId: 'C1',
      data: {
        deliveryId: 'd-1',
        subscriptionId: 's-1',
        channel: 'email',
        sourceEventId: blocked.eventId,
        sourceEventType: blocked.type,
        attempts: 2,
      },
    });
    expect(delivered.eventId).toBe(outputEventId('IT01', 'C1', 'd-1', 'notification.delivered', '2'));
  });
});

describe('notificationEvents', () => {
  const notifications: Notification[] = [
    {
      type: 'exposure.statusChanged',
      from: 'OK',
      to: 'WARNING',
      total: 850_00n,
      limit: 1000_00n,
      utilizationPct: '85.00',
      components: { orders: 100_00n, deliveries: 0n, unpostedInvoices: 0n, receivables: 750_00n, bills: 0n },
    },
    { type: 'overdue.changed', overdue: true, overdueAmount: 750_00n, oldestOverdueDays: 12 },
    { type: 'customer.blocked', reasons: ['OVERDUE'] },
    { type: 'customer.unblocked', previousReasons: ['OVERDUE'] },
    {
      type: 'creditReview.due',
      dueOn: '2026-03-01',
      creditClass: 'B',
      lastChangedOn: '2025-03-01',
      reviewEveryDays: 365,
    },
  ];

  it('numbers the events from firstSequence, formats money, and each validates against its schema', () => {
    const events = notificationEvents(notifications, { ...head, firstSequence: 7 });
    expect(events.map((e) => [e.type, e.sequence])).toEqual([
      ['exposure.statusChanged', 7],
      ['overdue.changed', 8],
      ['customer.blocked', 9],
      ['customer.unblocked', 10],
      ['creditReview.due', 11],
    ]);
    expect(events[0].data).toMatchObject({
      total: '850.00',
      limit: '1000.00',
      components: { receivables: '750.00' },
    });
    for (const event of events) expect(validateOutputEvent(event)).toEqual({ ok: true });
  });

  it('derives ids from the cause, except a credit review, due once per date whatever causes it', () => {
    const first = notificationEvents(notifications, { ...head, firstSequence: 1 });
    const other = notificationEvents(notifications, { ...head, causationId: 'in-43', firstSequence: 1 });
    expect(first.slice(0, 4).map((e) => e.eventId)).not.toEqual(other.slice(0, 4).map((e) => e.eventId));
    expect(first[4].eventId).toBe(other[4].eventId);
    expect(first[4].eventId).toBe(outputEventId('IT01', 'C1', 'creditReview:2026-03-01', 'creditReview.due'));
    expect(first[4].causationId).toBe('in-42');
  });

  it('routes blocks to risk.blocks and the rest to risk.breaches, keyed by the customer', () => {
    const messages = notificationEvents(notifications, { ...head, firstSequence: 1 }).map((e) =>
      outputMessage(e, TOPICS),
    );
    expect(messages.map((m) => m.topic)).toEqual([
      'risk.breaches',
      'risk.breaches',
      'risk.blocks',
      'risk.blocks',
      'risk.breaches',
    ]);
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set(['IT01:C1']));
  });
});

describe('documentOutcomeEvent', () => {
  const request = {
    documentType: 'order' as const,
    documentId: 'SO-1',
    amount: 300_00n,
    orderRefs: [],
    deliveryRefs: [],
  };
  const result = (decision: CreditCheckResult['decision']): CreditCheckResult => ({
    decision,
    severity: decision === 'HOLD' ? 'block' : 'warn',
    exposureBefore: 900_00n,
    exposureAfter: 1200_00n,
    incremental: 300_00n,
    limit: 1000_00n,
    excess: 200_00n,
    reasons: decision === 'ALLOW' ? [] : ['LIMIT_EXCEEDED'],
    statusBefore: 'WARNING',
    statusAfter: 'EXCEEDED',
  });
  const at = { ...head, sequence: 0 };

  it('announces each decision with its figures; a HOLD names its hold', () => {
    const allowed = documentOutcomeEvent(
      at,
      request,
      { result: result('ALLOW') },
      { requestedBy: 'u1', sentBy: 'erp' },
    );
    expect(allowed).toMatchObject({
      type: 'document.allowed',
      data: { amount: '300.00', requestedBy: 'u1', sentBy: 'erp' },
    });
    const held = documentOutcomeEvent(at, request, { result: result('HOLD'), holdId: 'hold-1' });
    expect(held).toMatchObject({
      type: 'document.held',
      data: { holdId: 'hold-1', exposureAfter: '1200.00' },
    });
    expect(held.eventId).toBe(outputEventId('IT01', 'C1', 'in-42', 'document.held'));
    for (const event of [allowed, held]) expect(validateOutputEvent(event)).toEqual({ ok: true });
  });

  it('names the pending hold, without figures, when the document has one', () => {
    const event = documentOutcomeEvent(at, request, { pendingHoldId: 'hold-0' }, { requestedBy: 'u1' });
    expect(event.type).toBe('document.held');
    expect(event.data).toEqual({
      documentType: 'order',
      documentId: 'SO-1',
      amount: '300.00',
      requestedBy: 'u1',
      holdId: 'hold-0',
    });
    expect(validateOutputEvent(event)).toEqual({ ok: true });
  });
});
