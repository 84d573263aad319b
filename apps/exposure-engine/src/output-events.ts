import { CreditCheckResult, CustomerRecord, FactOf, formatMoney, Notification } from '@credit/domain';
import { TopicNames } from '@credit/config';
import {
  deterministicEventId,
  documentHoldId,
  DOCUMENT_OUTCOME_TYPES,
  documentOutcomeData,
  pendingHoldData,
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
    case 'creditReview.due':
      return {
        dueOn: n.dueOn,
        creditClass: n.creditClass,
        lastChangedOn: n.lastChangedOn,
        reviewEveryDays: n.reviewEveryDays,
      };
    case 'dunning.levelReached':
      return {
        caseId: n.caseId,
        level: n.level,
        action: n.action,
        items: n.items.map((i) => ({
          openItemId: i.openItemId,
          dueDate: i.dueDate,
          residual: formatMoney(i.residual),
          daysOverdue: i.daysOverdue,
        })),
        overdueAmount: formatMoney(n.overdueAmount),
      };
    case 'collection.stageChanged':
      return { caseId: n.caseId, from: n.from, to: n.to, changedBy: n.changedBy, reason: n.reason };
    case 'collection.closed':
      return { caseId: n.caseId, reason: n.reason };
    case 'promise.broken':
      return {
        caseId: n.caseId,
        promiseId: n.promiseId,
        amount: formatMoney(n.amount),
        date: n.date,
        paidSince: formatMoney(n.paidSince),
      };
  }
}

const topicOf = (n: Notification, topics: TopicNames): string => {
  switch (n.type) {
    case 'customer.blocked':
    case 'customer.unblocked':
      return topics.blocks;
    case 'dunning.levelReached':
    case 'collection.stageChanged':
    case 'collection.closed':
    case 'promise.broken':
      return topics.collections;
    default:
      return topics.breaches;
  }
};

/**
 * What the eventId derives from besides the customer and the type: the cause,
 * except for what happens once whatever reassessment first sees it (a fold, or
 * the scheduler on any tick, or a replay): a credit review once per due date,
 * a case's level once per case and level, its stage once per case and stage,
 * its closing once per case, a promise's breaking once per promise.
 */
function idCause(n: Notification, causationId: string): string {
  switch (n.type) {
    case 'creditReview.due':
      return `creditReview:${n.dueOn}`;
    case 'dunning.levelReached':
      return `dunning:${n.caseId}:${n.level}`;
    case 'collection.stageChanged':
      return `stage:${n.caseId}:${n.to}`;
    case 'collection.closed':
      return `closed:${n.caseId}`;
    case 'promise.broken':
      return `promise:${n.caseId}:${n.promiseId}`;
    default:
      return causationId;
  }
}

/**
 * The output events for what one cause changed. Their ids derive from the
 * cause (see idCause), so a replay after a crash republishes the same ids.
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
      eventId: deterministicEventId(key, idCause(n, causationId), n.type),
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
 * What an asynchronous check publishes: a fresh decision (`result`), whose
 * HOLD names the document's hold of `generation` (how many holds of the
 * document were decided), or, while the document has a pending hold, that
 * hold (`pendingHoldId`), whatever a fresh decision would be.
 */
export type CheckOutcome = { result: CreditCheckResult; generation: number } | { pendingHoldId: string };

/**
 * The outcome of an asynchronous credit check (document.allowed / warned /
 * held) on risk.blocks. Its eventId derives from the customer and the check's
 * eventId, so a replay republishes the same id. A check of a document whose
 * hold is pending publishes document.held naming that hold, as the API's
 * synchronous check answers with it, whether the engine or the API created it;
 * the projector stores each hold once.
 */
export function documentOutcomeMessage(
  check: FactOf<'document.checkRequested'>,
  outcome: CheckOutcome,
  record: CustomerRecord,
  sequence: number,
  occurredAt: Date,
  topics: TopicNames,
): OutboundMessage {
  const key = `${record.companyId}:${record.customerId}`;
  const type = 'pendingHoldId' in outcome ? 'document.held' : DOCUMENT_OUTCOME_TYPES[outcome.result.decision];
  const who = { requestedBy: check.requestedBy };
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
      data:
        'pendingHoldId' in outcome
          ? pendingHoldData(check, { ...who, holdId: outcome.pendingHoldId })
          : documentOutcomeData(check, outcome.result, {
              ...who,
              holdId: documentHoldId(check, outcome.generation),
            }),
    }),
  };
}
