import { Assessment } from './assessment';
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
});

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
export function notifications(previous: PublishedView, next: Assessment): Notification[] {
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
  return result;
}
