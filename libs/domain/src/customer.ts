import { Assessed, Assessment, assessFrom, assessLive } from './assessment';
import { BusinessDate } from './dates';
import { CustomerDocuments, emptyDocuments } from './documents';
import { LiveFigures } from './figures';
import {
  caseRound,
  collectionNotifications,
  withPublishedCase,
  Notification,
  NOTHING_PUBLISHED,
  notifications,
  PublishedView,
  viewOf,
} from './notifications';
import { CompanyParameters } from './parameters';
import { nextReviewDate } from './review';

/** One customer as the engine keeps it: its documents and what was last published. */
export interface CustomerRecord {
  companyId: string;
  customerId: string;
  /** Bumped on every write; guards concurrent writers. */
  version: number;
  /** Sequence number of the last output event published for this customer. */
  sequence: number;
  documents: CustomerDocuments;
  published: PublishedView;
  assessment: Assessment | null;
  /** When the assessment must be recomputed although no event arrives. */
  reviewOn: BusinessDate | null;
}

/**
 * @param firstVersion where versions start: the engine starts them at its store's
 * epoch, so a state rebuilt after a loss ranks above everything projected before.
 */
export const newCustomerRecord = (
  companyId: string,
  customerId: string,
  firstVersion = 0,
): CustomerRecord => ({
  companyId,
  customerId,
  version: firstVersion,
  sequence: 0,
  documents: emptyDocuments(),
  published: NOTHING_PUBLISHED,
  assessment: null,
  reviewOn: null,
});

export interface Reassessment {
  record: CustomerRecord;
  notifications: Notification[];
  /** The basis for the customer's next reassessment in this process (see assessFrom). */
  assessed: Assessed;
}

/**
 * Assesses the customer's documents on a date and says what must be published.
 * The returned record already counts those notifications as published: it is
 * stored in the same atomic step as the outbox that carries them.
 */
export function reassess(
  record: CustomerRecord,
  documents: CustomerDocuments,
  businessDate: BusinessDate,
  params: CompanyParameters,
  /** False when more facts follow at once: the caller plans the review after the last (see planReview). */
  withReview = true,
  /** The customer's last assessment in this process, whose unchanged parts are reused. */
  basis: Assessed | null = null,
  /** The figures a draft maintains for these documents: then the assessment reads them (assessLive). */
  figures?: LiveFigures,
): Reassessment {
  const assessed =
    figures === undefined
      ? assessFrom(basis, documents, businessDate, params)
      : assessLive(documents, figures, businessDate, params);
  const assessment = assessed.assessment;
  const changes = notifications(record.published, assessment, withReview);
  const view = viewOf(assessment);
  // While more facts follow, the case stays as last published (see publishCollection).
  const { collection: _next, ...rest } = view;
  const { collection: announced, closedCases } = record.published;
  const published: PublishedView = withReview
    ? withPublishedCase(record.published, view, assessment.collection ?? null)
    : {
        ...rest,
        ...(closedCases ? { closedCases } : {}),
        ...(announced ? { collection: announced } : {}),
      };
  return {
    notifications: changes,
    assessed,
    record: {
      ...record,
      version: record.version + 1,
      sequence: record.sequence + changes.length,
      documents,
      published,
      assessment,
      reviewOn: withReview ? nextReviewDate(documents, businessDate, params) : record.reviewOn,
    },
  };
}

/**
 * Publishes what the collection case did, after a run of reassessments that
 * left it out (reassess with withReview false): the case is judged on the
 * customer's documents after the whole run, so a replay, which folds a
 * partition in large batches, does not announce a case that only a partial
 * history had (an invoice folded before the payment that closed its case).
 */
export function publishCollection(record: CustomerRecord): {
  record: CustomerRecord;
  notifications: Notification[];
} {
  if (record.assessment === null) return { record, notifications: [] };
  const view = record.assessment.collection ?? null;
  const changes = collectionNotifications(
    record.published.collection ?? null,
    record.assessment,
    caseRound(record.published, view),
  );
  return {
    notifications: changes,
    record: {
      ...record,
      sequence: record.sequence + changes.length,
      published: withPublishedCase(record.published, record.published, view),
    },
  };
}

/** Sets when the record must next be reviewed, after a run of reassessments without it. */
export const planReview = (record: CustomerRecord, params: CompanyParameters): CustomerRecord => ({
  ...record,
  reviewOn: record.assessment
    ? nextReviewDate(record.documents, record.assessment.businessDate, params)
    : null,
});
