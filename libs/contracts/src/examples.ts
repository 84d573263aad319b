import { RawDataByType, RawEnvelope, rawEvent } from './encode';
import { deadLetterMessage, AnyOutputEvent, DeadLetterMessage } from './outputs';
import { outputEvent } from './output-events';
import { NotificationEvent, notificationEvent } from './notification-events';
import { DEFAULT_TOPICS, InputEventType, NotificationEventType, OutputEventType } from './schemas';

/**
 * Examples published in docs/asyncapi.json. A unit test decodes every one of them, so the
 * published examples are valid by construction.
 */
const input = <T extends InputEventType>(type: T, n: number, data: RawDataByType[T]): RawEnvelope =>
  rawEvent(type, data, {
    eventId: `7d3f6a52-0b1c-4c1e-9a55-${String(n).padStart(12, '0')}`,
    occurredAt: '2026-03-01T10:15:00+01:00',
  });

export const INPUT_EXAMPLES: Readonly<Record<InputEventType, readonly RawEnvelope[]>> = {
  'order.confirmed': [
    input('order.confirmed', 1, {
      orderId: 'OV-2026-000123',
      amount: '1200.00',
      orderDate: '2026-03-01',
      paymentTermsDays: 60,
    }),
  ],
  'order.closed': [input('order.closed', 2, { orderId: 'OV-2026-000123', reason: 'short-closed' })],
  'delivery.issued': [
    input('delivery.issued', 3, {
      deliveryId: 'DDT-2026-000045',
      amount: '800.00',
      deliveryDate: '2026-03-03',
      orderRefs: [{ orderId: 'OV-2026-000123', amount: '800.00' }],
    }),
  ],
  'delivery.cancelled': [input('delivery.cancelled', 4, { deliveryId: 'DDT-2026-000045' })],
  'invoice.issued': [
    input('invoice.issued', 5, {
      invoiceId: 'FT-2026-000310',
      kind: 'invoice',
      amount: '976.00',
      invoiceDate: '2026-03-31',
      deliveryRefs: [{ deliveryId: 'DDT-2026-000045', amount: '800.00' }],
    }),
  ],
  'invoice.cancelled': [input('invoice.cancelled', 6, { invoiceId: 'FT-2026-000310' })],
  'document.checkRequested': [
    input('document.checkRequested', 7, {
      documentType: 'order',
      documentId: 'OV-2026-000124',
      amount: '2500.00',
      requestedBy: 'm.rossi',
    }),
  ],
  'journal.posted': [
    input('journal.posted', 8, {
      entryId: 'JE-2026-004711',
      postingDate: '2026-03-31',
      lines: [
        {
          lineId: '1',
          side: 'debit',
          amount: '488.00',
          invoiceRef: 'FT-2026-000310',
          openItemId: 'FT-2026-000310/1',
          dueDate: '2026-04-30',
        },
        {
          lineId: '2',
          side: 'debit',
          amount: '488.00',
          invoiceRef: 'FT-2026-000310',
          openItemId: 'FT-2026-000310/2',
          dueDate: '2026-05-31',
        },
      ],
    }),
    input('journal.posted', 9, {
      entryId: 'JE-2026-005020',
      postingDate: '2026-05-04',
      lines: [
        {
          lineId: '1',
          side: 'credit',
          amount: '488.00',
          settles: [{ openItemId: 'FT-2026-000310/1', amount: '488.00' }],
        },
      ],
    }),
  ],
  'journal.reversed': [input('journal.reversed', 10, { entryId: 'JE-2026-005020' })],
  'bill.issued': [
    input('bill.issued', 11, {
      billId: 'RB-2026-000077',
      amount: '488.00',
      dueDate: '2026-05-31',
      instrument: 'riba',
    }),
  ],
  'bill.presented': [
    input('bill.presented', 12, { billId: 'RB-2026-000077', presentedAt: '2026-04-10', bankId: 'BANCA-01' }),
  ],
  'bill.collected': [input('bill.collected', 13, { billId: 'RB-2026-000077', collectedAt: '2026-06-01' })],
  'bill.dishonoured': [
    input('bill.dishonoured', 14, {
      billId: 'RB-2026-000077',
      dishonouredAt: '2026-06-05T09:00:00+02:00',
      reason: 'insufficient funds',
    }),
  ],
  'bill.cancelled': [input('bill.cancelled', 15, { billId: 'RB-2026-000077' })],
  'creditLimit.set': [
    input('creditLimit.set', 16, {
      amount: '5000.00',
      mode: 'block',
      attentionThresholdPct: 80,
      validUntil: '2026-12-31',
      blockOnOverdue: true,
      overdueToleranceDays: 5,
      setBy: 'credit.manager',
      reason: 'annual review',
    }),
  ],
  'creditLimit.removed': [
    input('creditLimit.removed', 17, { removedBy: 'credit.manager', reason: 'customer closed' }),
  ],
  'creditClass.assigned': [
    input('creditClass.assigned', 19, {
      code: 'B2',
      description: 'Sound customers, standard terms',
      maxPaymentTermsDays: 60,
      maxDocumentAmount: '20000.00',
      reviewEveryDays: 365,
      assignedBy: 'credit.manager',
      reason: 'first assessment',
    }),
  ],
  'creditClass.removed': [
    input('creditClass.removed', 20, { removedBy: 'credit.manager', reason: 'class withdrawn' }),
  ],
  'manualBlock.set': [
    input('manualBlock.set', 21, {
      reason: 'Insolvency proceedings announced',
      until: '2026-04-30',
      setBy: 'credit.manager',
    }),
  ],
  'manualBlock.removed': [
    input('manualBlock.removed', 22, { removedBy: 'credit.manager', reason: 'guarantee received' }),
  ],
  'collectionAction.recorded': [
    input('collectionAction.recorded', 23, {
      actionId: '0b6c1f4e-5d2a-4c61-9a0e-3c9d2f1b7a10',
      actionType: 'promise',
      text: 'The owner promises a transfer of 1500.00 by the 20th',
      recordedBy: 'anna.bianchi',
      promise: { amount: '1500.00', date: '2026-03-20' },
      assignee: 'anna.bianchi',
    }),
    input('collectionAction.recorded', 24, {
      actionId: '6a1d7c0e-2f4b-4b8e-8d7e-5e2a9c3f1d22',
      actionType: 'stage',
      text: 'Formal notice unanswered: file handed to the lawyer',
      recordedBy: 'credit.manager',
      stage: 'legal',
    }),
  ],
  'customer.updated': [
    input('customer.updated', 18, {
      name: 'Rossi Ferramenta S.r.l.',
      vatNumber: 'IT01234567890',
      salesAgentId: 'AG-07',
      paymentTermsDays: 60,
      email: 'amministrazione@rossi.example',
    }),
  ],
};

const CAUSE = '7d3f6a52-0b1c-4c1e-9a55-000000000008';
const head = {
  companyId: 'IT01',
  customerId: 'C000123',
  causationId: CAUSE,
  occurredAt: '2026-03-31T18:00:01+02:00',
};
const documentCause = '7d3f6a52-0b1c-4c1e-9a55-000000000007';
const documentHead = { ...head, causationId: documentCause, idParts: ['OV-2026-000124'] };
const decisionHead = {
  ...head,
  causationId: 'api:6f1d0c4e-9d8b-4d51-8f0e-6a2b1c3d4e5f',
  idParts: ['HOLD-000042'],
};
const document = {
  documentType: 'order' as const,
  documentId: 'OV-2026-000124',
  amount: '2500.00',
  incrementalExposure: '2500.00',
  exposureBefore: '3550.50',
  exposureAfter: '6050.50',
  limit: '5000.00',
  requestedBy: 'm.rossi',
};

export const OUTPUT_EXAMPLES: Readonly<Record<OutputEventType, readonly AnyOutputEvent[]>> = {
  'exposure.statusChanged': [
    outputEvent({
      ...head,
      type: 'exposure.statusChanged',
      sequence: 41,
      data: {
        from: 'OK',
        to: 'WARNING',
        total: '4526.50',
        limit: '5000.00',
        utilizationPct: '90.53',
        components: {
          orders: '400.00',
          deliveries: '0.00',
          unpostedInvoices: '0.00',
          receivables: '3638.50',
          bills: '488.00',
        },
      },
    }),
  ],
  'overdue.changed': [
    outputEvent({
      ...head,
      type: 'overdue.changed',
      sequence: 42,
      data: { overdue: true, overdueAmount: '488.00', oldestOverdueDays: 12 },
    }),
  ],
  'customer.blocked': [
    outputEvent({ ...head, type: 'customer.blocked', sequence: 43, data: { reasons: ['OVERDUE'] } }),
  ],
  'creditReview.due': [
    outputEvent({
      ...head,
      type: 'creditReview.due',
      sequence: 47,
      idParts: ['2027-03-01'],
      data: { dueOn: '2027-03-01', creditClass: 'B2', lastChangedOn: '2026-03-01', reviewEveryDays: 365 },
    }),
  ],
  'dunning.levelReached': [
    outputEvent({
      ...head,
      type: 'dunning.levelReached',
      sequence: 48,
      idParts: ['dunning', 'case-2026-03-08', '2'],
      data: {
        caseId: 'case-2026-03-08',
        level: 2,
        action: 'formal-notice',
        items: [
          { openItemId: 'FT-2026-000310/1', dueDate: '2026-03-01', residual: '488.00', daysOverdue: 21 },
        ],
        overdueAmount: '488.00',
      },
    }),
  ],
  'collection.stageChanged': [
    outputEvent({
      ...head,
      type: 'collection.stageChanged',
      sequence: 49,
      idParts: ['stage', 'case-2026-03-08', 'legal'],
      data: {
        caseId: 'case-2026-03-08',
        from: 'dunning',
        to: 'legal',
        changedBy: 'credit.manager',
        reason: 'Formal notice unanswered: file handed to the lawyer',
      },
    }),
  ],
  'collection.closed': [
    outputEvent({
      ...head,
      type: 'collection.closed',
      sequence: 50,
      idParts: ['closed', 'case-2026-03-08'],
      data: { caseId: 'case-2026-03-08', reason: 'paid' },
    }),
  ],
  'promise.broken': [
    outputEvent({
      ...head,
      type: 'promise.broken',
      sequence: 51,
      idParts: ['promise', 'case-2026-03-08', '0b6c1f4e-5d2a-4c61-9a0e-3c9d2f1b7a10'],
      data: {
        caseId: 'case-2026-03-08',
        promiseId: '0b6c1f4e-5d2a-4c61-9a0e-3c9d2f1b7a10',
        amount: '1500.00',
        date: '2026-03-20',
        paidSince: '500.00',
      },
    }),
  ],
  'customer.unblocked': [
    outputEvent({
      ...head,
      type: 'customer.unblocked',
      sequence: 44,
      data: { previousReasons: ['OVERDUE'] },
    }),
  ],
  'document.allowed': [
    outputEvent({
      ...documentHead,
      type: 'document.allowed',
      sequence: 45,
      data: { ...document, amount: '300.00', incrementalExposure: '300.00', exposureAfter: '3850.50' },
    }),
  ],
  'document.warned': [
    outputEvent({
      ...documentHead,
      type: 'document.warned',
      sequence: 46,
      data: {
        ...document,
        amount: '700.00',
        incrementalExposure: '700.00',
        exposureAfter: '4250.50',
        reasons: ['ATTENTION_THRESHOLD'],
      },
    }),
  ],
  'document.held': [
    outputEvent({
      ...documentHead,
      type: 'document.held',
      sequence: 47,
      data: { ...document, reasons: ['LIMIT_EXCEEDED'], holdId: 'HOLD-000042' },
    }),
  ],
  'document.released': [
    outputEvent({
      ...decisionHead,
      type: 'document.released',
      sequence: 48,
      data: {
        ...document,
        holdId: 'HOLD-000042',
        decidedBy: 'l.bianchi',
        reason: 'guarantee received by fax',
      },
    }),
  ],
  'document.rejected': [
    outputEvent({
      ...decisionHead,
      type: 'document.rejected',
      sequence: 48,
      data: { ...document, holdId: 'HOLD-000042', decidedBy: 'l.bianchi', reason: 'customer in litigation' },
    }),
  ],
};

const notified = OUTPUT_EXAMPLES['exposure.statusChanged'][0];
const notificationHead = {
  occurredAt: '2026-03-01T10:15:03.410+01:00',
  companyId: notified.companyId,
  customerId: notified.customerId,
};

export const NOTIFICATION_EXAMPLES: Readonly<Record<NotificationEventType, readonly NotificationEvent[]>> = {
  'notification.delivered': [
    notificationEvent({
      ...notificationHead,
      type: 'notification.delivered',
      data: {
        deliveryId: '1842',
        subscriptionId: 'sales-over-limit',
        channel: 'email',
        sourceEventId: notified.eventId,
        sourceEventType: notified.type,
        attempts: 1,
      },
    }),
  ],
  'notification.failed': [
    notificationEvent({
      ...notificationHead,
      occurredAt: '2026-03-02T10:15:04.002+01:00',
      type: 'notification.failed',
      data: {
        deliveryId: '1843',
        subscriptionId: 'erp-webhook',
        channel: 'webhook',
        sourceEventId: notified.eventId,
        sourceEventType: notified.type,
        attempts: 17,
        error: 'HTTP 503 Service Unavailable',
      },
    }),
  ],
};

export const DEAD_LETTER_EXAMPLES: readonly DeadLetterMessage[] = [
  deadLetterMessage(
    DEFAULT_TOPICS.deadLetter,
    {
      topic: DEFAULT_TOPICS.documents,
      partition: 3,
      offset: '18842',
      key: Buffer.from('IT01:C000123'),
      value: Buffer.from(
        '{"eventId":"e-1","type":"order.confirmed","schemaVersion":1,"occurredAt":"2026-03-01T10:15:00+01:00",' +
          '"companyId":"IT01","customerId":"C000123","data":{"orderId":"OV-1","amount":1200.5}}',
      ),
      timestamp: '1772356500000',
    },
    {
      reason: 'VALIDATION_FAILED',
      field: 'data.amount',
      message:
        'data.amount must be a money string matching ^[0-9]{1,13}(\\.[0-9]{1,2})?$ (JSON numbers are not accepted)',
    },
    '2026-03-01T10:15:00.120+01:00',
  ),
];
