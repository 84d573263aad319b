import { CreditCheckResult, CustomerRecord, FactOf, Notification } from '@credit/domain';
import { TopicNames } from '@credit/config';
import { documentHoldId, documentOutcomeEvent, notificationEvents, outputMessage } from '@credit/contracts';
import { OutboundMessage } from '@credit/kafka';

/**
 * The engine's output events as outbox messages; the events themselves are
 * built by @credit/contracts' one builder family (output-events.ts there).
 */

/**
 * The output events for what one cause changed, numbered from
 * `firstSequence`. Their ids derive from the cause, so a replay after a crash
 * republishes the same ids.
 */
export function outputMessages(
  notifications: Notification[],
  record: CustomerRecord,
  firstSequence: number,
  causationId: string,
  occurredAt: Date,
  topics: TopicNames,
): OutboundMessage[] {
  return notificationEvents(notifications, {
    companyId: record.companyId,
    customerId: record.customerId,
    causationId,
    firstSequence,
    occurredAt: occurredAt.toISOString(),
  }).map((event) => outputMessage(event, topics));
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
 * held) on risk.blocks, caused by the check's eventId. A check of a document
 * whose hold is pending publishes document.held naming that hold, as the API's
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
  const event = documentOutcomeEvent(
    {
      companyId: record.companyId,
      customerId: record.customerId,
      causationId: check.eventId,
      sequence,
      occurredAt: occurredAt.toISOString(),
    },
    check,
    'pendingHoldId' in outcome
      ? outcome
      : { result: outcome.result, holdId: documentHoldId(check, outcome.generation) },
    { requestedBy: check.requestedBy },
  );
  return outputMessage(event, topics);
}
