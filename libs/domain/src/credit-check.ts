import { collectionBlocks, collectionState, datedActions } from './collections';
import { components, deliveryResiduals, orderResiduals, total } from './components';
import { BusinessDate } from './dates';
import { CustomerDocuments } from './documents';
import { DeliveryRef, DocumentType, OrderRef } from './facts';
import {
  BlockReason,
  effectiveLimit,
  EffectiveLimit,
  ExposureStatus,
  limitStatus,
  manualBlockActive,
} from './limit';
import { Cents, max, min, ZERO } from './money';
import { openItems, overdueSummary, settlements } from './open-items';
import { CheckSeverity, CompanyParameters, ComponentName } from './parameters';

/** The answer to a document check (spec section 6). */
export type CheckDecision = 'ALLOW' | 'WARN' | 'HOLD';

/** Why a document is warned or held (the contract's DOCUMENT_REASONS). */
export type CheckReason =
  'ATTENTION_THRESHOLD' | BlockReason | 'PAYMENT_TERMS_EXCEEDED' | 'DOCUMENT_AMOUNT_EXCEEDED';

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
  /**
   * The strongest severity any condition was judged with (see checkDocument):
   * off for a customer with no limit, no credit class and no manual block.
   */
  severity: CheckSeverity;
  exposureBefore: Cents;
  exposureAfter: Cents;
  /** What the document adds to the counted exposure: its own value minus what it takes over (may be < 0). */
  incremental: Cents;
  /** The effective limit (0 once expired, or by the missing-limit policy); null when there is none. */
  limit: Cents | null;
  /** max(0, exposureAfter - limit); 0 without a limit. */
  excess: Cents;
  /** Empty for ALLOW; for HOLD only the reasons judged with severity block (never ATTENTION_THRESHOLD). */
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
const stronger = (a: CheckSeverity, b: CheckSeverity): CheckSeverity =>
  SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;

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
  // Only the referenced residuals are drawn down: the map of all of them stays untouched (it is shared).
  const drawn = new Map<string, Cents>();
  let taken = ZERO;
  for (const ref of refs) {
    const available = drawn.get(ref.id) ?? residuals.get(ref.id) ?? ZERO;
    const take = max(ZERO, min(ref.amount, available));
    drawn.set(ref.id, available - take);
    taken += take;
  }
  return taken;
}

/**
 * What a check needs of the customer that does not depend on the document: the
 * exposure, the effective limit, the overdue breach and the residuals documents
 * can take over. It depends only on the documents, the business date and the
 * parameters, so a caller that keeps it for those three (the API, for a customer
 * checked again and again between two of its events) decides each further check
 * in the time of its references (checkDocumentOn).
 */
export interface CheckBasis {
  exposureBefore: Cents;
  limit: EffectiveLimit | null;
  overdueBreach: boolean;
  manualBlock: boolean;
  /** The customer's collection case is in the legal or written-off stage (spec 12). */
  legalCase: boolean;
  orderResiduals: ReadonlyMap<string, Cents>;
  deliveryResiduals: ReadonlyMap<string, Cents>;
}

export function checkBasis(
  docs: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
): CheckBasis {
  const limit = effectiveLimit(docs.limit, businessDate, params);
  return {
    exposureBefore: total(components(docs, businessDate, params), params),
    limit,
    overdueBreach:
      limit !== null &&
      overdueSummary(openItems(docs).values(), businessDate, limit.overdueToleranceDays).breach,
    manualBlock: manualBlockActive(docs.manualBlock, businessDate),
    legalCase:
      (docs.collection?.actions.some((a) => a.stage !== null) ?? false) &&
      legalCase(docs, businessDate, params),
    orderResiduals: params.includedComponents.orders ? orderResiduals(docs) : new Map(),
    deliveryResiduals: params.includedComponents.deliveries ? deliveryResiduals(docs) : new Map(),
  };
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
  const residuals = {
    orderResiduals: counted.orders && request.orderRefs.length > 0 ? orderResiduals(docs) : new Map(),
    deliveryResiduals:
      counted.deliveries && request.deliveryRefs.length > 0 ? deliveryResiduals(docs) : new Map(),
  };
  return incrementalOn(residuals, request, params);
}

/** incrementalExposure on a basis (the residuals already computed). */
function incrementalOn(
  basis: Pick<CheckBasis, 'orderResiduals' | 'deliveryResiduals'>,
  request: CheckRequest,
  params: CompanyParameters,
): Cents {
  const counted = params.includedComponents;
  let incremental = counted[OWN_COMPONENT[request.documentType]] ? request.amount : ZERO;
  if (counted.orders && request.orderRefs.length > 0) {
    incremental -= takenOver(
      basis.orderResiduals,
      request.orderRefs.map((r) => ({ id: r.orderId, amount: r.amount })),
    );
  }
  if (counted.deliveries && request.deliveryRefs.length > 0) {
    incremental -= takenOver(
      basis.deliveryResiduals,
      request.deliveryRefs.map((r) => ({ id: r.deliveryId, amount: r.amount })),
    );
  }
  return incremental;
}

/** A condition the document meets, with the severity it is judged with. */
interface Condition {
  reason: CheckReason;
  severity: CheckSeverity;
}

/** The limit's conditions on the exposure after the document, in the contract's order. */
function limitConditions(
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

/** The credit class's conditions on the document itself (spec section 11). */
function classConditions(docs: CustomerDocuments, request: CheckRequest): CheckReason[] {
  const creditClass = docs.creditClass ?? null;
  if (creditClass === null) return [];
  const reasons: CheckReason[] = [];
  if (request.paymentTermsDays !== undefined && request.paymentTermsDays > creditClass.maxPaymentTermsDays) {
    reasons.push('PAYMENT_TERMS_EXCEEDED');
  }
  if (creditClass.maxDocumentAmount !== null && request.amount > creditClass.maxDocumentAmount) {
    reasons.push('DOCUMENT_AMOUNT_EXCEEDED');
  }
  return reasons;
}

/**
 * The credit check of a document about to be created (spec sections 6 and
 * 11), on the customer's current documents and a business date. Pure: the same
 * inputs give the same answer on the API (synchronous) and in the engine
 * (asynchronous).
 *
 * Each condition is judged with a severity:
 * - the limit's (attention threshold, limit exceeded, limit expired, overdue
 *   block) and the credit class's (payment terms above the class maximum,
 *   amount above its maximum document amount) with the effective severity:
 *   the milder of the company's check for the document type and the
 *   customer's limit mode; with no limit (missing-limit policy `no-limit`)
 *   the limit has no conditions and the class's are judged with the company's
 *   check alone;
 * - a manual block (MANUAL) and a collection case in the legal or
 *   written-off stage (LEGAL) with the company's check alone: the customer's
 *   limit mode does not soften a block set by hand or by a recovery decision.
 *
 * HOLD when a condition other than the attention threshold is judged with
 * severity block (the reasons are those); else WARN when any condition is
 * judged with warn or block (all of them are the reasons); else ALLOW.
 */
export function checkDocument(
  docs: CustomerDocuments,
  request: CheckRequest,
  businessDate: BusinessDate,
  params: CompanyParameters,
): CreditCheckResult {
  return checkDocumentOn(checkBasis(docs, businessDate, params), docs, request, params);
}

/** checkDocument on a basis computed for the same documents, business date and parameters. */
export function checkDocumentOn(
  basis: CheckBasis,
  docs: CustomerDocuments,
  request: CheckRequest,
  params: CompanyParameters,
): CreditCheckResult {
  const { exposureBefore, limit } = basis;
  const incremental = incrementalOn(basis, request, params);
  const exposureAfter = exposureBefore + incremental;
  const statusBefore = limitStatus(exposureBefore, limit);
  const statusAfter = limitStatus(exposureAfter, limit);
  const companyCheck = params.documentChecks[request.documentType];
  const limitSeverity = limit === null ? companyCheck : milder(companyCheck, limit.mode);
  const conditions: Condition[] = [];
  const judge = (reasons: CheckReason[], severity: CheckSeverity) => {
    for (const reason of reasons) conditions.push({ reason, severity });
  };
  if (limit !== null) judge(limitConditions(statusAfter, limit, basis.overdueBreach), limitSeverity);
  judge(classConditions(docs, request), limitSeverity);
  if (basis.manualBlock) judge(['MANUAL'], companyCheck);
  if (basis.legalCase) judge(['LEGAL'], companyCheck);

  const judged = limit !== null || docs.creditClass != null;
  const severity = conditions.reduce<CheckSeverity>(
    (strongest, c) => stronger(strongest, c.severity),
    judged ? limitSeverity : 'off',
  );
  const result = {
    exposureBefore,
    exposureAfter,
    incremental,
    statusBefore,
    statusAfter,
    severity,
    limit: limit?.amount ?? null,
    excess: limit === null ? ZERO : max(ZERO, exposureAfter - limit.amount),
  };
  const holding = conditions.filter((c) => c.severity === 'block' && c.reason !== 'ATTENTION_THRESHOLD');
  if (holding.length > 0) return { ...result, decision: 'HOLD', reasons: holding.map((c) => c.reason) };
  const warning = conditions.filter((c) => c.severity !== 'off');
  return warning.length > 0
    ? { ...result, decision: 'WARN', reasons: warning.map((c) => c.reason) }
    : { ...result, decision: 'ALLOW', reasons: [] };
}

/** The customer's collection case is in the legal or written-off stage on the date (spec 12). */
const legalCase = (docs: CustomerDocuments, businessDate: BusinessDate, params: CompanyParameters): boolean =>
  collectionBlocks(
    collectionState({
      items: openItems(docs).values(),
      settlements: settlements(docs),
      actions: datedActions(docs.collection?.actions, params.timeZone),
      policy: params.dunning,
      businessDate,
    }).open,
  );
