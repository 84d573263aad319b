import { Assessment } from './assessment';
import { CaseClosedReason, CaseItem, CollectionStage, CollectionView } from './collections';
import { DunningAction } from './parameters';
import { BusinessDate } from './dates';
import { Components } from './components';
import { BlockReason, ExposureStatus } from './limit';
import { Cents, ZERO } from './money';

/** What downstream consumers were last told about a customer. */
export interface PublishedView {
  status: ExposureStatus;
  blockReasons: BlockReason[];
  overdue: boolean;
  overdueAmount: Cents;
  /** The credit review date announced as due; absent while none is (and in views stored before reviews). */
  reviewDue?: BusinessDate;
  /** The collection case as last published; absent while none is open (and in views stored before cases). */
  collection?: PublishedCase;
  /**
   * How many times each recently closed case was announced closed: a case can open again under the
   * same id (its opening date) when a late document moves the history, and its events must not
   * reuse the ids of its earlier round. The last CLOSED_CASES_KEPT cases.
   */
  closedCases?: Record<string, number>;
}

const CLOSED_CASES_KEPT = 16;

export interface PublishedCase {
  caseId: string;
  level: number;
  stage: CollectionStage;
  /** The promise announced as broken, if any. */
  brokenPromiseId?: string;
  /** How many times this case id closed before this round (PublishedView.closedCases); absent: 0. */
  round?: number;
}

export const NOTHING_PUBLISHED: PublishedView = Object.freeze({
  status: 'NO_LIMIT',
  blockReasons: [],
  overdue: false,
  overdueAmount: ZERO,
});

export type Notification =
  | {
      type: 'exposure.statusChanged';
      from: ExposureStatus;
      to: ExposureStatus;
      total: Cents;
      limit: Cents | null;
      utilizationPct: string | null;
      components: Components;
    }
  | { type: 'overdue.changed'; overdue: boolean; overdueAmount: Cents; oldestOverdueDays: number }
  | { type: 'customer.blocked'; reasons: BlockReason[] }
  | { type: 'customer.unblocked'; previousReasons: BlockReason[] }
  | {
      type: 'creditReview.due';
      dueOn: BusinessDate;
      creditClass: string;
      lastChangedOn: BusinessDate;
      reviewEveryDays: number;
    }
  | {
      type: 'dunning.levelReached';
      caseId: string;
      /** PublishedCase.round: part of the eventId only. */
      round?: number;
      level: number;
      action: DunningAction;
      items: CaseItem[];
      overdueAmount: Cents;
    }
  | {
      type: 'collection.stageChanged';
      caseId: string;
      round?: number;
      from: CollectionStage;
      to: CollectionStage;
      changedBy: string;
      reason: string;
    }
  | { type: 'collection.closed'; caseId: string; reason: CaseClosedReason; round?: number }
  | {
      type: 'promise.broken';
      caseId: string;
      round?: number;
      promiseId: string;
      amount: Cents;
      date: BusinessDate;
      paidSince: Cents;
    };

/** The review date that is due on the assessment's date, or null while none is. */
const reviewDue = (a: Assessment): BusinessDate | null =>
  a.reviewDueOn !== null && a.reviewDueOn <= a.businessDate ? a.reviewDueOn : null;

export const viewOf = (a: Assessment): PublishedView => ({
  status: a.status,
  blockReasons: a.blockReasons,
  overdue: a.overdueBreach,
  overdueAmount: a.overdueAmount,
  ...reviewDueView(a),
  ...publishedCase(a.collection ?? null),
});

export const publishedCase = (view: CollectionView | null, round = 0): { collection?: PublishedCase } =>
  view === null
    ? {}
    : {
        collection: {
          caseId: view.caseId,
          level: view.level,
          stage: view.stage,
          ...(view.promise?.status === 'broken' ? { brokenPromiseId: view.promise.promiseId } : {}),
          ...(round > 0 ? { round } : {}),
        },
      };

/** The round of the case `next` shows: the published one's, or how many times a case of its id closed. */
export function caseRound(published: PublishedView, next: CollectionView | null): number {
  if (next === null) return 0;
  const previous = published.collection;
  if (previous?.caseId === next.caseId) return previous.round ?? 0;
  const closed = closedCasesAfter(published, next);
  return closed[next.caseId] ?? 0;
}

/** The closed cases once `next`'s case is announced: the published case is counted closed if it ends. */
function closedCasesAfter(published: PublishedView, next: CollectionView | null): Record<string, number> {
  const closed = { ...(published.closedCases ?? {}) };
  const previous = published.collection;
  if (previous !== undefined && previous.caseId !== next?.caseId) {
    delete closed[previous.caseId];
    closed[previous.caseId] = (previous.round ?? 0) + 1;
    const ids = Object.keys(closed);
    for (const id of ids.slice(0, Math.max(0, ids.length - CLOSED_CASES_KEPT))) delete closed[id];
  }
  return closed;
}

/** What consumers were told once `next`'s case is announced: the case with its round, the closed ones. */
export function withPublishedCase(
  before: PublishedView,
  view: PublishedView,
  next: CollectionView | null,
): PublishedView {
  const { collection: _case, closedCases: _closed, ...rest } = view;
  const closedCases = closedCasesAfter(before, next);
  return {
    ...rest,
    ...(Object.keys(closedCases).length > 0 ? { closedCases } : {}),
    ...publishedCase(next, caseRound(before, next)),
  };
}

const reviewDueView = (a: Assessment): { reviewDue?: BusinessDate } => {
  const due = reviewDue(a);
  return due === null ? {} : { reviewDue: due };
};

const sameReasons = (a: readonly BlockReason[], b: readonly BlockReason[]) =>
  a.length === b.length && a.every((reason, i) => reason === b[i]);

/**
 * The events that tell consumers how `next` differs from what they were told.
 * overdue.changed fires when the breach flag or the overdue amount moves, not on
 * the daily tick of oldestOverdueDays alone; customer.blocked fires again when
 * the reasons of a block change; creditReview.due fires once per due date: a
 * new class or limit decision moves the date, and the new one is announced in
 * its turn.
 */
export function notifications(
  previous: PublishedView,
  next: Assessment,
  /** False while more facts follow at once: the caller publishes the case after the last (publishCollection). */
  withCollection = true,
): Notification[] {
  const result: Notification[] = [];
  if (previous.status !== next.status) {
    result.push({
      type: 'exposure.statusChanged',
      from: previous.status,
      to: next.status,
      total: next.total,
      limit: next.limitAmount,
      utilizationPct: next.utilizationPct,
      components: next.components,
    });
  }
  if (previous.overdue !== next.overdueBreach || previous.overdueAmount !== next.overdueAmount) {
    result.push({
      type: 'overdue.changed',
      overdue: next.overdueBreach,
      overdueAmount: next.overdueAmount,
      oldestOverdueDays: next.oldestOverdueDays,
    });
  }
  const wasBlocked = previous.blockReasons.length > 0;
  if (next.blocked && !sameReasons(previous.blockReasons, next.blockReasons)) {
    result.push({ type: 'customer.blocked', reasons: next.blockReasons });
  } else if (!next.blocked && wasBlocked) {
    result.push({ type: 'customer.unblocked', previousReasons: previous.blockReasons });
  }
  const due = reviewDue(next);
  if (due !== null && due !== previous.reviewDue) {
    result.push({
      type: 'creditReview.due',
      dueOn: due,
      creditClass: next.creditClass!.code,
      lastChangedOn: next.lastCreditChangeOn!,
      reviewEveryDays: next.creditClass!.reviewEveryDays!,
    });
  }
  if (withCollection)
    result.push(
      ...collectionNotifications(
        previous.collection ?? null,
        next,
        caseRound(previous, next.collection ?? null),
      ),
    );
  return result;
}

/**
 * What a collection case did since it was last published: the previous case
 * closed, a level reached (only the highest when several were passed at
 * once), the stage moved, the promise broken. Each is announced once: its
 * eventId derives from the case and the level, stage or promise.
 */
export function collectionNotifications(
  previous: PublishedCase | null,
  next: Assessment,
  round = 0,
): Notification[] {
  const result: Notification[] = [];
  const view = next.collection ?? null;
  if (previous !== null && previous.caseId !== view?.caseId) {
    const closed = next.lastClosedCase ?? null;
    result.push({
      type: 'collection.closed',
      caseId: previous.caseId,
      ...(previous.round ? { round: previous.round } : {}),
      reason:
        closed?.caseId === previous.caseId
          ? closed.reason
          : (next.caseClosingReason ?? (next.overdueAmount === ZERO ? 'paid' : 'below-minimum')),
    });
  }
  if (view === null) return result;
  const same = previous?.caseId === view.caseId ? previous : null;
  if (same === null || view.level > same.level) {
    result.push({
      type: 'dunning.levelReached',
      caseId: view.caseId,
      ...(round > 0 ? { round } : {}),
      level: view.level,
      action: view.action,
      items: view.items,
      overdueAmount: view.overdueAmount,
    });
  }
  const stageBefore = same?.stage ?? 'dunning';
  if (view.stage !== stageBefore) {
    result.push({
      type: 'collection.stageChanged',
      caseId: view.caseId,
      ...(round > 0 ? { round } : {}),
      from: stageBefore,
      to: view.stage,
      changedBy: view.stageChangedBy!,
      reason: view.stageReason!,
    });
  }
  const promise = view.promise;
  if (promise?.status === 'broken' && same?.brokenPromiseId !== promise.promiseId) {
    result.push({
      type: 'promise.broken',
      caseId: view.caseId,
      ...(round > 0 ? { round } : {}),
      promiseId: promise.promiseId,
      amount: promise.amount,
      date: promise.date,
      paidSince: promise.paidSince,
    });
  }
  return result;
}
