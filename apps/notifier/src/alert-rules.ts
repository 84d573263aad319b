import { outputEnvelopeOf, OutputEnvelope } from '@credit/contracts';
import { Cents, parseMoney, MONEY_PATTERN } from '@credit/domain';
import type { SalesAgentRow, SubscriptionRow } from '@credit/postgres';

/** An output event as the notifier reads it: the envelope and the data, passed through untouched. */
export type NotifiedEvent = OutputEnvelope;

/** What the engine's live state says about the customer when the event is read. */
export interface CustomerContext {
  name: string | null;
  salesAgentId: string | null;
  riskClass: string | null;
  total: Cents | null;
  /** The amount compared with the total (0 once expired); null when no limit applies. */
  limitAmount: Cents | null;
}

/** The JSON of an output event, or null when it lacks the envelope every output event has. */
export const parseNotifiedEvent = outputEnvelopeOf;

const money = (value: unknown): Cents | null =>
  typeof value === 'string' && MONEY_PATTERN.test(value) ? parseMoney(value) : null;

/**
 * How far the event puts the customer over its limit: the event's own figures
 * where it carries them (a status change: total - limit; a document outcome:
 * exposure after the document - limit), else the live state's. Null when no
 * limit applies; negative when under it.
 */
export function excessOf(event: NotifiedEvent, context: CustomerContext): Cents | null {
  const d = event.data;
  if (event.type === 'exposure.statusChanged') {
    const total = money(d.total);
    const limit = money(d.limit);
    return total !== null && limit !== null ? total - limit : null;
  }
  if (event.type.startsWith('document.') && d.exposureAfter !== undefined) {
    const after = money(d.exposureAfter);
    const limit = money(d.limit);
    return after !== null && limit !== null ? after - limit : null;
  }
  if (context.total === null || context.limitAmount === null) return null;
  return context.total - context.limitAmount;
}

/** Whether a subscription asks for this event of this customer. */
export function subscriptionMatches(
  subscription: SubscriptionRow,
  event: NotifiedEvent,
  context: CustomerContext,
): boolean {
  if (!subscription.enabled || !subscription.eventTypes.includes(event.type)) return false;
  const f = subscription.filter;
  if (f.customerIds && !f.customerIds.includes(event.customerId)) return false;
  if (f.salesAgentIds && (context.salesAgentId === null || !f.salesAgentIds.includes(context.salesAgentId)))
    return false;
  if (f.riskClasses && (context.riskClass === null || !f.riskClasses.includes(context.riskClass)))
    return false;
  if (f.minExcess !== undefined) {
    const excess = excessOf(event, context);
    if (excess === null || excess < parseMoney(f.minExcess)) return false;
  }
  return true;
}

/** The word in `target` that means "the customer's sales agent". */
export const SALES_AGENT_TARGET = 'sales-agent';

/**
 * Where a delivery goes: the subscription's target, or for `sales-agent` the
 * e-mail of the customer's agent; `problem` says why there is none.
 */
export function recipientOf(
  subscription: SubscriptionRow,
  context: CustomerContext,
  agents: ReadonlyMap<string, SalesAgentRow>,
): { recipient: string } | { problem: string } {
  if (subscription.target !== SALES_AGENT_TARGET) return { recipient: subscription.target };
  if (context.salesAgentId === null) return { problem: 'the customer has no sales agent (erp.customers)' };
  const agent = agents.get(`${subscription.companyId}:${context.salesAgentId}`);
  if (agent === undefined)
    return {
      problem: `sales agent ${context.salesAgentId} is not registered (PUT …/sales-agents/{agentId})`,
    };
  return { recipient: agent.email };
}

/**
 * When the next attempt is due after `attempts` failed ones: the initial delay,
 * doubled each time, capped.
 */
export function retryDelayMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
}
