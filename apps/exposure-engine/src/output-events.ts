import { CreditCheckResult, CustomerRecord, FactOf, formatMoney, Notification } from '@credit/domain';
import { TopicNames } from '@credit/config';
import {
  deterministicEventId,
  documentHoldId,
  DOCUMENT_OUTCOME_TYPES,
  documentOutcomeData,
} from '@credit/contracts';
import { OutboundMessage } from '@credit/kafka';

function dataOf(n: Notification): Record<string, unknown> {
  switch (n.type) {
    case 'exposure.statusChanged':
      return {
        from: n.from,
        to: n.to,
        total: formatMoney(n.total),
        limit: n.limit === null ? null : formatMoney(n.limit),
        utilizationPct: n.utilizationPct,
        components: {
          orders: formatMoney(n.components.orders),
          deliveries: formatMoney(n.components.deliveries),
          unpostedInvoices: formatMoney(n.components.unpostedInvoices),
          receivables: formatMoney(n.components.receivables),
          bills: formatMoney(n.components.bills),
        },
      };
    case 'overdue.changed':
      return {
        overdue: n.overdue,
        overdueAmount: formatMoney(n.overdueAmount),
        oldestOverdueDays: n.oldestOverdueDays,
      };
    case 'customer.blocked':
      return { reasons: n.reasons };
    case 'customer.unblocked':
      return { previousReasons: n.previousReasons };
  }
}

const topicOf = (n: Notification, topics: TopicNames) =>
  n.type === 'exposure.statusChanged' || n.type === 'overdue.changed' ? topics.breaches : topics.blocks;

/**
 * The output events for what one cause changed. Their ids derive from the
 * cause, so a replay after a crash republishes the same ids.
 */
export function outputMessages(
  notifications: Notification[],
  record: CustomerRecord,
  firstSequence: number,
  causationId: string,
  occurredAt: Date,
  topics: TopicNames,
): OutboundMessage[] {
  const key = `${record.companyId}:${record.customerId}`;
  return notifications.map((n, i) => ({
    topic: topicOf(n, topics),
    key,
    value: JSON.stringify({
      eventId: deterministicEventId(key, causationId, n.type),
      type: n.type,
      schemaVersion: 1,
      occurredAt: occurredAt.toISOString(),
      companyId: record.companyId,
      customerId: record.customerId,
      causationId,
      sequence: firstSequence + i,
      data: dataOf(n),
    }),
  }));
}

/**
 * The outcome of an asynchronous credit check (document.allowed / warned /
 * held) on risk.blocks. Its eventId derives from the customer and the check's
 * eventId, so a replay republishes the same id. A HOLD names the document's
 * hold of its current generation (`holdGeneration`: how many holds of the
 * document were decided): a second check of a document whose hold is pending
 * names that same hold, whether the engine or the API created it, and the
 * projector stores it once.
 */
export function documentOutcomeMessage(
  check: FactOf<'document.checkRequested'>,
  result: CreditCheckResult,
  record: CustomerRecord,
  sequence: number,
  occurredAt: Date,
  topics: TopicNames,
  holdGeneration: number,
): OutboundMessage {
  const key = `${record.companyId}:${record.customerId}`;
  const type = DOCUMENT_OUTCOME_TYPES[result.decision];
  return {
    topic: topics.blocks,
    key,
    value: JSON.stringify({
      eventId: deterministicEventId(key, check.eventId, type),
      type,
      schemaVersion: 1,
      occurredAt: occurredAt.toISOString(),
      companyId: record.companyId,
      customerId: record.customerId,
      causationId: check.eventId,
      sequence,
      data: documentOutcomeData(check, result, {
        requestedBy: check.requestedBy,
        holdId: documentHoldId(check, holdGeneration),
      }),
    }),
  };
}
