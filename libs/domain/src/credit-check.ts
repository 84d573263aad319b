import { components, deliveryResiduals, orderResiduals, total } from './components';
import { BusinessDate } from './dates';
import { CustomerDocuments } from './documents';
import { DeliveryRef, DocumentType, OrderRef } from './facts';
import { BlockReason, effectiveLimit, EffectiveLimit, ExposureStatus, limitStatus } from './limit';
import { Cents, max, min, ZERO } from './money';
import { openItems, overdueSummary } from './open-items';
import { CheckSeverity, CompanyParameters, ComponentName } from './parameters';

/** The answer to a document check (spec section 6). */
export type CheckDecision = 'ALLOW' | 'WARN' | 'HOLD';

/** Why a document is warned or held (the contract's DOCUMENT_REASONS). */
export type CheckReason = 'ATTENTION_THRESHOLD' | BlockReason;

/** A document about to be created. */
export interface CheckRequest {
  documentType: DocumentType;
  documentId: string;
  /** Gross value, >= 0. */
  amount: Cents;
  /** Orders the document fulfils, and by how much. */
  orderRefs: readonly OrderRef[];
  /** Delivery notes the document invoices, and by how much. */
  deliveryRefs: readonly DeliveryRef[];
  /** The document's payment terms, checked against the customer's credit class (spec section 11). */
  paymentTermsDays?: number;
}

export interface CreditCheckResult {
  decision: CheckDecision;
  /** The milder of the company's check for this document type and the customer's limit mode; off without a limit. */
  severity: CheckSeverity;
  exposureBefore: Cents;
  exposureAfter: Cents;
  /** What the document adds to the counted exposure: its own value minus what it takes over (may be < 0). */
  incremental: Cents;
  /** The effective limit (0 once expired, or by the missing-limit policy); null when there is none. */
  limit: Cents | null;
  /** max(0, exposureAfter - limit); 0 without a limit. */
  excess: Cents;
  /** Empty for ALLOW; for HOLD only the blocking reasons (LIMIT_EXCEEDED, LIMIT_EXPIRED, OVERDUE). */
  reasons: CheckReason[];
  statusBefore: ExposureStatus;
  statusAfter: ExposureStatus;
}

/** The component each kind of document counts in once created. */
const OWN_COMPONENT: Readonly<Record<DocumentType, ComponentName>> = {
  order: 'orders',
  delivery: 'deliveries',
  invoice: 'unpostedInvoices',
};

const SEVERITY_RANK: Readonly<Record<CheckSeverity, number>> = { off: 0, warn: 1, block: 2 };
const milder = (a: CheckSeverity, b: CheckSeverity): CheckSeverity =>
  SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;

/**
 * How much of the referenced documents' current residuals the new document
 * takes over: each reference up to what is left of its document, several
 * references to one document drawing from the same residual. A document not
 * seen yet, closed or cancelled has nothing left to take over.
 */
function takenOver(
  residuals: ReadonlyMap<string, Cents>,
  refs: readonly { id: string; amount: Cents }[],
): Cents {
  const left = new Map(residuals);
  let taken = ZERO;
  for (const ref of refs) {
    const available = left.get(ref.id) ?? ZERO;
    const take = max(ZERO, min(ref.amount, available));
    left.set(ref.id, available - take);
    taken += take;
  }
  return taken;
}

/**
 * What the document adds to the total the company counts, exactly as the fold
 * will see it once the document arrives: its own value (if the company counts
 * its component) minus what it takes over from the residuals of the referenced
 * orders and delivery notes (only for the components the company counts).
 */
export function incrementalExposure(
  docs: CustomerDocuments,
  request: CheckRequest,
  params: CompanyParameters,
): Cents {
  const counted = params.includedComponents;
  let incremental = counted[OWN_COMPONENT[request.documentType]] ? request.amount : ZERO;
  if (counted.orders && request.orderRefs.length > 0) {
    incremental -= takenOver(
      orderResiduals(docs),
      request.orderRefs.map((r) => ({ id: r.orderId, amount: r.amount })),
    );
  }
  if (counted.deliveries && request.deliveryRefs.length > 0) {
    incremental -= takenOver(
      deliveryResiduals(docs),
      request.deliveryRefs.map((r) => ({ id: r.deliveryId, amount: r.amount })),
    );
  }
  return incremental;
}

/** Every condition the exposure after the document meets, in the contract's order. */
function conditions(
  statusAfter: ExposureStatus,
  limit: EffectiveLimit,
  overdueBreach: boolean,
): CheckReason[] {
  const reasons: CheckReason[] = [];
  if (statusAfter === 'WARNING') reasons.push('ATTENTION_THRESHOLD');
  if (statusAfter === 'EXCEEDED') reasons.push('LIMIT_EXCEEDED');
  if (limit.expired) reasons.push('LIMIT_EXPIRED');
  if (limit.blockOnOverdue && overdueBreach) reasons.push('OVERDUE');
  return reasons;
}

/**
 * The credit check of a document about to be created (spec section 6), on the
 * customer's current documents and a business date. Pure: the same inputs give
 * the same answer on the API (synchronous) and in the engine (asynchronous).
 *
 * - severity off, or no limit (missing-limit policy `no-limit`): ALLOW;
 * - severity block: HOLD when the exposure after the document exceeds the
 *   limit, the limit has expired, or the customer is blocked for overdue items
 *   (blockOnOverdue and an overdue breach); else WARN when it reaches the
 *   attention threshold; else ALLOW;
 * - severity warn: WARN when any of those conditions holds; else ALLOW.
 */
export function checkDocument(
  docs: CustomerDocuments,
  request: CheckRequest,
  businessDate: BusinessDate,
  params: CompanyParameters,
): CreditCheckResult {
  const exposureBefore = total(components(docs, businessDate, params), params);
  const incremental = incrementalExposure(docs, request, params);
  const exposureAfter = exposureBefore + incremental;
  const limit = effectiveLimit(docs.limit, businessDate, params);
  const statusBefore = limitStatus(exposureBefore, limit);
  const statusAfter = limitStatus(exposureAfter, limit);
  const figures = { exposureBefore, exposureAfter, incremental, statusBefore, statusAfter };
  if (limit === null) {
    return { ...figures, decision: 'ALLOW', severity: 'off', limit: null, excess: ZERO, reasons: [] };
  }
  const severity = milder(params.documentChecks[request.documentType], limit.mode);
  const excess = max(ZERO, exposureAfter - limit.amount);
  const base = { ...figures, severity, limit: limit.amount, excess };
  if (severity === 'off') return { ...base, decision: 'ALLOW', reasons: [] };
  const overdue = overdueSummary(openItems(docs).values(), businessDate, limit.overdueToleranceDays);
  const found = conditions(statusAfter, limit, overdue.breach);
  if (severity === 'block') {
    const blocking = found.filter((r) => r !== 'ATTENTION_THRESHOLD');
    if (blocking.length > 0) return { ...base, decision: 'HOLD', reasons: blocking };
  }
  return found.length > 0
    ? { ...base, decision: 'WARN', reasons: found }
    : { ...base, decision: 'ALLOW', reasons: [] };
}
