import { CheckDecision, CheckRequest, CreditCheckResult } from '../../domain/src/credit-check';
import { formatMoney } from '../../domain/src/money';
import { customerKey } from './customer-key';
import { deterministicEventId, DocumentHeldData, DocumentOutcomeData } from './outputs';

/** The output event that announces each decision of a credit check (spec sections 6 and 7). */
export const DOCUMENT_OUTCOME_TYPES = {
  ALLOW: 'document.allowed',
  WARN: 'document.warned',
  HOLD: 'document.held',
} as const satisfies Record<CheckDecision, string>;

export type DocumentOutcomeType = (typeof DOCUMENT_OUTCOME_TYPES)[CheckDecision];

/**
 * The `data` of document.allowed / document.warned / document.held for a
 * credit check, the same from the API and from the engine. `holdId` is
 * required for a HOLD (and ignored otherwise).
 */
export function documentOutcomeData(
  request: CheckRequest,
  result: CreditCheckResult,
  who: { requestedBy?: string; sentBy?: string; holdId?: string } = {},
): DocumentOutcomeData | DocumentHeldData {
  const data: DocumentOutcomeData = {
    documentType: request.documentType,
    documentId: request.documentId,
    amount: formatMoney(request.amount),
    incrementalExposure: formatMoney(result.incremental),
    exposureBefore: formatMoney(result.exposureBefore),
    exposureAfter: formatMoney(result.exposureAfter),
    limit: result.limit === null ? null : formatMoney(result.limit),
    reasons: [...result.reasons],
  };
  if (who.requestedBy !== undefined) data.requestedBy = who.requestedBy;
  if (who.sentBy !== undefined) data.sentBy = who.sentBy;
  if (result.decision !== 'HOLD') return data;
  if (who.holdId === undefined) throw new Error('a document.held needs a holdId');
  return { ...data, holdId: who.holdId };
}

/**
 * The `data` of the document.held that answers a check of a document whose
 * hold is still pending: that hold's id and the checked document, without
 * figures or reasons. The check decides nothing (the pending hold is the
 * decision); the hold's own figures are those of GET …/holds/{holdId}.
 */
export function pendingHoldData(
  request: Pick<CheckRequest, 'documentType' | 'documentId' | 'amount'>,
  who: { requestedBy?: string; holdId: string },
): DocumentHeldData {
  return {
    documentType: request.documentType,
    documentId: request.documentId,
    amount: formatMoney(request.amount),
    ...(who.requestedBy === undefined ? {} : { requestedBy: who.requestedBy }),
    holdId: who.holdId,
  };
}

/** A document as the hold table and the document holds (Redis) know it. */
export interface HeldDocument {
  companyId: string;
  customerId: string;
  documentType: string;
  documentId: string;
}

/**
 * The id of a document's hold in one generation: `generation` is how many
 * holds of that document were decided before it. The API (synchronous checks)
 * and the engine (document.checkRequested) derive it alike, so every check of
 * a document whose hold is still pending names that one hold, whichever path
 * created it, and a replay names it again.
 */
export function documentHoldId(document: HeldDocument, generation: number): string {
  return deterministicEventId(
    customerKey(document.companyId, document.customerId),
    'hold',
    document.documentType,
    document.documentId,
    String(generation),
  );
}
