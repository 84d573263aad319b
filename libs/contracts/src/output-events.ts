import { CheckRequest, CreditCheckResult } from '../../domain/src/credit-check';
import { formatMoney } from '../../domain/src/money';
import { Notification } from '../../domain/src/notifications';
import { customerKey } from './customer-key';
import { DOCUMENT_OUTCOME_TYPES, documentOutcomeData, pendingHoldData } from './document-outcomes';
import { deterministicEventId, OutputDataByType, OutputEvent } from './outputs';
import { OUTPUT_STREAM_EVENT_TYPES, OutputEventType } from './schemas';

/*
 * The one builder family of the events published for a customer: the engine's
 * (exposure, overdue, block and review changes; outcomes of asynchronous
 * checks), the API's (outcomes of synchronous checks, hold decisions) and the
 * notifier's (delivery outcomes, notification-events.ts) all go through
 * outputEvent, so they share one envelope and one eventId recipe.
 */

/**
 * The eventId of every event published for a customer: derived from the
 * customer, the cause, the type and whatever tells apart several events of one
 * type from one cause, so a replay, a retry or a rebuild derives the same id.
 */
export const outputEventId = (
  companyId: string,
  customerId: string,
  cause: string,
  type: string,
  ...idParts: readonly string[]
): string => deterministicEventId(customerKey(companyId, customerId), cause, type, ...idParts);

/** Who and what an event is about, and where it stands in the customer's sequence. */
export interface EventHead {
  companyId: string;
  customerId: string;
  /** The input eventId or API request id that caused this event. */
  causationId: string;
  /** The engine's per-customer sequence; 0 for events the API or the notifier publish. */
  sequence: number;
  occurredAt: string;
}

export interface OutputEventParams<T extends OutputEventType> extends EventHead {
  type: T;
  data: OutputDataByType[T];
  /** What the eventId derives from instead of the causationId (an event due once whatever causes it). */
  idCause?: string;
  /** Extra parts that tell apart several events of the same type from the same cause (e.g. the holdId). */
  idParts?: readonly string[];
}

/** Builds an output event whose eventId is deterministic for its cause (outputEventId). */
export function outputEvent<T extends OutputEventType>(params: OutputEventParams<T>): OutputEvent<T> {
  const { type, companyId, customerId, causationId, sequence, occurredAt, data } = params;
  return {
    eventId: outputEventId(
      companyId,
      customerId,
      params.idCause ?? causationId,
      type,
      ...(params.idParts ?? []),
    ),
    type,
    schemaVersion: 1,
    occurredAt,
    companyId,
    customerId,
    causationId,
    sequence,
    data,
  };
}

/** The output topics by stream (TopicNames of @credit/config fits). */
export type OutputTopics = Readonly<Record<keyof typeof OUTPUT_STREAM_EVENT_TYPES, string>>;

const STREAM_OF = new Map<string, keyof typeof OUTPUT_STREAM_EVENT_TYPES>(
  (Object.keys(OUTPUT_STREAM_EVENT_TYPES) as (keyof typeof OUTPUT_STREAM_EVENT_TYPES)[]).flatMap((stream) =>
    OUTPUT_STREAM_EVENT_TYPES[stream].map((type) => [type, stream] as const),
  ),
);

/** The Kafka message of an output event: on its type's topic, keyed by its customer, the JSON as value. */
export function outputMessage(
  event: OutputEvent,
  topics: OutputTopics,
): { topic: string; key: string; value: string } {
  const stream = STREAM_OF.get(event.type);
  if (stream === undefined) throw new Error(`${event.type} is published on no output topic`);
  return {
    topic: topics[stream],
    key: customerKey(event.companyId, event.customerId),
    value: JSON.stringify(event),
  };
}

// ---------------------------------------------------------------------------------------------
// What a reassessment changed (domain notifications)
// ---------------------------------------------------------------------------------------------

const money = (cents: bigint): string => formatMoney(cents);

/** A case in an eventId: its id, and its round when it opened again under that id (PublishedCase.round). */
const caseRef = (n: { caseId: string; round?: number }): string =>
  n.round ? `${n.caseId}:r${n.round}` : n.caseId;

/** The event of one domain notification; one case per notification type. */
function eventOfNotification(n: Notification, head: EventHead): OutputEvent {
  switch (n.type) {
    case 'exposure.statusChanged':
      return outputEvent({
        ...head,
        type: n.type,
        data: {
          from: n.from,
          to: n.to,
          total: money(n.total),
          limit: n.limit === null ? null : money(n.limit),
          utilizationPct: n.utilizationPct,
          components: {
            orders: money(n.components.orders),
            deliveries: money(n.components.deliveries),
            unpostedInvoices: money(n.components.unpostedInvoices),
            receivables: money(n.components.receivables),
            bills: money(n.components.bills),
          },
        },
      });
    case 'overdue.changed':
      return outputEvent({
        ...head,
        type: n.type,
        data: {
          overdue: n.overdue,
          overdueAmount: money(n.overdueAmount),
          oldestOverdueDays: n.oldestOverdueDays,
        },
      });
    case 'customer.blocked':
      return outputEvent({ ...head, type: n.type, data: { reasons: n.reasons } });
    case 'customer.unblocked':
      return outputEvent({ ...head, type: n.type, data: { previousReasons: n.previousReasons } });
    case 'creditReview.due':
      return outputEvent({
        ...head,
        type: n.type,
        // Due once per date, whatever reassessment first sees it (a fold, or the scheduler on any tick).
        idCause: `creditReview:${n.dueOn}`,
        data: {
          dueOn: n.dueOn,
          creditClass: n.creditClass,
          lastChangedOn: n.lastChangedOn,
          reviewEveryDays: n.reviewEveryDays,
        },
      });
    // What a collection case reaches happens once, whatever reassessment first sees it (a fold, the
    // scheduler on any tick, a replay): the id derives from the case, not from the cause.
    case 'dunning.levelReached':
      return outputEvent({
        ...head,
        type: n.type,
        idCause: `dunning:${caseRef(n)}:${n.level}`,
        data: {
          caseId: n.caseId,
          level: n.level,
          action: n.action,
          items: n.items.map((i) => ({
            openItemId: i.openItemId,
            dueDate: i.dueDate,
            residual: money(i.residual),
            daysOverdue: i.daysOverdue,
          })),
          overdueAmount: money(n.overdueAmount),
        },
      });
    case 'collection.stageChanged':
      return outputEvent({
        ...head,
        type: n.type,
        idCause: `stage:${caseRef(n)}:${n.to}`,
        data: { caseId: n.caseId, from: n.from, to: n.to, changedBy: n.changedBy, reason: n.reason },
      });
    case 'collection.closed':
      return outputEvent({
        ...head,
        type: n.type,
        idCause: `closed:${caseRef(n)}`,
        data: { caseId: n.caseId, reason: n.reason },
      });
    case 'promise.broken':
      return outputEvent({
        ...head,
        type: n.type,
        idCause: `promise:${caseRef(n)}:${n.promiseId}`,
        data: {
          caseId: n.caseId,
          promiseId: n.promiseId,
          amount: money(n.amount),
          date: n.date,
          paidSince: money(n.paidSince),
        },
      });
  }
}

/**
 * The events of what one cause changed for a customer, numbered from
 * `firstSequence`. Their ids derive from the cause, so a replay after a crash
 * republishes the same ids.
 */
export function notificationEvents(
  notifications: readonly Notification[],
  head: Omit<EventHead, 'sequence'> & { firstSequence: number },
): OutputEvent[] {
  const { firstSequence, ...rest } = head;
  return notifications.map((n, i) => eventOfNotification(n, { ...rest, sequence: firstSequence + i }));
}

// ---------------------------------------------------------------------------------------------
// Credit checks
// ---------------------------------------------------------------------------------------------

/**
 * What a credit check answers: a fresh decision (`result`; a HOLD names its
 * `holdId`), or, while the document has a pending hold, that hold
 * (`pendingHoldId`), whatever a fresh decision would be.
 */
export type DocumentOutcome = { result: CreditCheckResult; holdId?: string } | { pendingHoldId: string };

/**
 * document.allowed / document.warned / document.held for a credit check, the
 * same from the API (synchronous checks) and from the engine
 * (document.checkRequested).
 */
export function documentOutcomeEvent(
  head: EventHead,
  request: CheckRequest,
  outcome: DocumentOutcome,
  who: { requestedBy?: string; sentBy?: string } = {},
): OutputEvent {
  if ('pendingHoldId' in outcome) {
    return outputEvent({
      ...head,
      type: 'document.held',
      data: pendingHoldData(request, { requestedBy: who.requestedBy, holdId: outcome.pendingHoldId }),
    });
  }
  return outputEvent({
    ...head,
    type: DOCUMENT_OUTCOME_TYPES[outcome.result.decision],
    data: documentOutcomeData(request, outcome.result, { ...who, holdId: outcome.holdId }),
  });
}
