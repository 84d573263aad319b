import {
  applyFact,
  assess,
  CompanyParameters,
  CustomerDocuments,
  emptyDocuments,
  formatMoney,
} from '@credit/domain';
import { decodeInputEvent, encodeInputEvent, InputStream, customerKey, RawEnvelope } from '@credit/contracts';

export type Streams = Partial<Record<InputStream, RawEnvelope[]>>;

/** What the API must answer for a customer, computed without the engine. */
export interface ExpectedExposure {
  components: Record<string, string>;
  total: string;
  overdueAmount: string;
  oldestOverdueDays: number;
  limit: {
    amount: string;
    mode: string;
    attentionThresholdPct: number;
    validUntil: string | null;
    temporaryAmount: string | null;
    temporaryUntil: string | null;
    effectiveAmount: string;
  } | null;
  status: string;
  blocked: boolean;
  riskClass: string;
}

/**
 * Decodes every envelope with the contract and folds it with the domain rules
 * (property-tested against their own reference), each eventId once, in each
 * topic's order: the state the engine must reach whatever it went through.
 */
export function referenceExposures(
  streams: Streams,
  businessDate: string,
  params: CompanyParameters,
): Map<string, ExpectedExposure> {
  const documents = new Map<string, CustomerDocuments>();
  const applied = new Set<string>();
  for (const [stream, envelopes] of Object.entries(streams) as [InputStream, RawEnvelope[]][]) {
    for (const envelope of envelopes) {
      const key = customerKey(envelope.companyId, envelope.customerId);
      const decoded = decodeInputEvent(stream, Buffer.from(key), encodeInputEvent(envelope));
      if (!decoded.ok || applied.has(`${key}|${decoded.fact.eventId}`)) continue;
      applied.add(`${key}|${decoded.fact.eventId}`);
      documents.set(key, applyFact(documents.get(key) ?? emptyDocuments(), decoded.fact));
    }
  }
  const expected = new Map<string, ExpectedExposure>();
  for (const [key, docs] of documents) {
    const a = assess(docs, businessDate, params);
    expected.set(key, {
      components: Object.fromEntries(
        Object.entries(a.components).map(([name, cents]) => [name, formatMoney(cents)]),
      ),
      total: formatMoney(a.total),
      overdueAmount: formatMoney(a.overdueAmount),
      oldestOverdueDays: a.oldestOverdueDays,
      limit:
        a.limit === null
          ? null
          : {
              amount: formatMoney(a.limit.amount),
              mode: a.limit.mode,
              attentionThresholdPct: a.limit.attentionThresholdPct,
              validUntil: a.limit.validUntil,
              temporaryAmount: a.limit.temporaryAmount === null ? null : formatMoney(a.limit.temporaryAmount),
              temporaryUntil: a.limit.temporaryUntil,
              effectiveAmount: formatMoney(a.limitAmount!),
            },
      status: a.status,
      blocked: a.blocked,
      riskClass: a.riskClass,
    });
  }
  return expected;
}

interface OutputEvent {
  eventId: string;
  type: string;
  customerId: string;
  companyId: string;
  sequence: number;
  data: Record<string, unknown>;
}

/**
 * Checks what was published for each customer: an eventId seen twice carries
 * the same event (a republish), no sequence number has two different events,
 * the sequence runs 1..N without a gap (nothing lost), and the status changes
 * chain from NO_LIMIT to `finalStatus`. Returns the problems found.
 */
export function publishedHistoryProblems(events: OutputEvent[], finalStatus: Map<string, string>): string[] {
  const problems: string[] = [];
  const byId = new Map<string, OutputEvent>();
  const byCustomer = new Map<string, Map<number, OutputEvent>>();
  for (const event of events) {
    const key = customerKey(event.companyId, event.customerId);
    const seen = byId.get(event.eventId);
    if (seen) {
      if (
        seen.sequence !== event.sequence ||
        seen.type !== event.type ||
        JSON.stringify(seen.data) !== JSON.stringify(event.data)
      ) {
        problems.push(`${key}: eventId ${event.eventId} (${event.type}) published with different content`);
      }
      continue;
    }
    byId.set(event.eventId, event);
    const sequences = byCustomer.get(key) ?? new Map<number, OutputEvent>();
    if (sequences.has(event.sequence))
      problems.push(`${key}: sequence ${event.sequence} has two different events`);
    sequences.set(event.sequence, event);
    byCustomer.set(key, sequences);
  }
  for (const [key, status] of finalStatus) {
    const sequences = byCustomer.get(key) ?? new Map<number, OutputEvent>();
    const ordered = [...sequences.keys()].sort((a, b) => a - b);
    if (ordered.some((s, i) => s !== i + 1)) problems.push(`${key}: sequence has gaps: ${ordered.join(',')}`);
    let current = 'NO_LIMIT';
    for (const s of ordered) {
      const event = sequences.get(s)!;
      if (event.type !== 'exposure.statusChanged') continue;
      if (event.data.from !== current)
        problems.push(`${key}: change #${s} from ${event.data.from}, expected ${current}`);
      current = String(event.data.to);
    }
    if (current !== status) problems.push(`${key}: last published status ${current}, final status ${status}`);
  }
  return problems;
}
