import { BadRequestException, ConflictException, Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import { businessDateAt, Clock, systemClock } from '@credit/domain';
import { CollectionActionRow, CollectionCaseRow, CollectionsRepository, WorklistRow } from '@credit/postgres';
import { CollectionActionRecordedData, governanceMessage } from '../credit-classes/governance-events';
import { pageOf } from '../http/paging';
import { CompanyParametersService } from '../parameters/company-parameters.service';
import { API_CLOCK, API_SETTINGS, DATA_SOURCE, OUTBOX_WAKER, OutboxWaker } from '../tokens';
import {
  CollectionActionView,
  CollectionCaseView,
  CollectionHistoryPage,
  RecordCollectionActionBody,
  RecordCollectionActionResult,
  SuggestedAction,
  WorklistItem,
  WorklistPage,
  WorklistQuery,
} from './collections.dto';

export const COLLECTIONS_REPOSITORY = Symbol('COLLECTIONS_REPOSITORY');

/** The fields each action type requires and allows, beyond type and text: 400 naming the field. */
export function actionShapeErrors(body: RecordCollectionActionBody): string[] {
  const errors: string[] = [];
  const pairs = [
    ['promise', body.promise],
    ['stage', body.stage],
  ] as const;
  for (const [field, value] of pairs) {
    if (body.type === field && value === undefined) errors.push(`${field} is required when type is ${field}`);
    if (body.type !== field && value !== undefined)
      errors.push(`${field} is allowed only when type is ${field}`);
  }
  if (body.type === 'assign' && body.assignee === undefined)
    errors.push('assignee is required when type is assign');
  return errors;
}

/**
 * Why a stage change is refused on the case as projected, or null: a stage
 * needs an open case; legal comes from dunning; written-off from dunning or
 * legal (a written-off case changes no more).
 */
export function stageChangeProblem(
  current: CollectionCaseRow['stage'] | undefined,
  to: 'legal' | 'written-off',
): string | null {
  if (current === undefined) return 'has no open collection case: a stage change needs one';
  if (current === to) return `is already in stage ${to}`;
  if (current === 'written-off') return 'has a written-off case: its stage changes no more';
  return null;
}

const actionView = (row: CollectionActionRow): CollectionActionView => ({
  actionId: row.action_id,
  customerId: row.customer_id,
  caseId: row.case_id,
  type: row.action_type,
  text: row.text,
  ...(row.promise_amount !== null && row.promise_date !== null
    ? { promise: { amount: row.promise_amount, date: row.promise_date } }
    : {}),
  ...(row.stage !== null ? { stage: row.stage } : {}),
  ...(row.assignee !== null ? { assignee: row.assignee } : {}),
  recordedBy: row.recorded_by,
  recordedAt: new Date(row.recorded_at).toISOString(),
});

const caseView = (row: CollectionCaseRow): CollectionCaseView => ({
  caseId: row.case_id,
  stage: row.stage,
  level: row.dunning_level ?? 0,
  action: row.dunning_action,
  levelReachedOn: row.level_reached_on,
  overdueAmount: row.overdue_amount,
  oldestDueDate: row.oldest_due_date,
  assignee: row.assignee,
  promise:
    row.promise_id !== null && row.promise_amount !== null && row.promise_date !== null
      ? {
          promiseId: row.promise_id,
          amount: row.promise_amount,
          date: row.promise_date,
          status: row.promise_status ?? 'pending',
          brokenOn: row.promise_broken_on,
        }
      : null,
  blocked: row.blocked,
  blockReasons: row.block_reasons,
});

/** The reason (English; the desk words it from the kind and figures) and the suggested action of an item. */
function describe(row: WorklistRow): { reason: string; suggestedAction: SuggestedAction } {
  switch (row.kind) {
    case 'legal':
      return { reason: 'case in legal recovery', suggestedAction: 'follow-legal' };
    case 'promise-broken':
      return {
        reason: `promise to pay ${row.promise_amount} by ${row.promise_date} broken on ${row.promise_broken_on}`,
        suggestedAction: 'call',
      };
    case 'promise-due':
      return {
        reason: `promise to pay ${row.promise_amount} due on ${row.promise_date}`,
        suggestedAction: 'check-payment',
      };
    case 'level-reached':
      return {
        reason: `dunning level ${row.dunning_level} (${row.dunning_action}) reached on ${row.level_reached_on}`,
        suggestedAction: (row.dunning_action ?? 'reminder') as SuggestedAction,
      };
    case 'review-due':
      return { reason: `credit review due on ${row.review_due_on}`, suggestedAction: 'review-limit' };
    case 'hold-waiting':
      return {
        reason: `${row.document_type} ${row.document_id} held, waiting for a decision`,
        suggestedAction: 'decide-hold',
      };
  }
}

const worklistItem = (row: WorklistRow): WorklistItem => ({
  kind: row.kind,
  customerId: row.customer_id,
  customerName: row.customer_name,
  ...describe(row),
  amountAtStake: row.amount,
  daysOverdue: row.days_overdue,
  ...(row.case_id !== null ? { caseId: row.case_id } : {}),
  ...(row.assignee !== null ? { assignee: row.assignee } : {}),
  ...(row.dunning_level !== null ? { level: row.dunning_level } : {}),
  ...(row.hold_id !== null ? { holdId: row.hold_id } : {}),
});

/**
 * Collections (spec section 12): actions on a customer's case, recorded and
 * published as collectionAction.recorded (risk.credit-limits) in one
 * transaction for the engine to fold; the case history; the day's worklist.
 */
@Injectable()
export class CollectionsService {
  private readonly clock: Clock;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(COLLECTIONS_REPOSITORY) private readonly repository: CollectionsRepository,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
    private readonly parameters: CompanyParametersService,
    @Optional() @Inject(API_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? systemClock();
  }

  /** Today in the company's time zone. */
  private async today(companyId: string): Promise<string> {
    const { parameters } = await this.parameters.get(companyId);
    return businessDateAt(this.clock.now(), parameters.timeZone);
  }

  async record(
    companyId: string,
    customerId: string,
    body: RecordCollectionActionBody,
    principal: Principal,
  ): Promise<RecordCollectionActionResult> {
    const errors = actionShapeErrors(body);
    if (body.promise !== undefined && errors.length === 0) {
      const today = await this.today(companyId);
      if (body.promise.date < today) errors.push(`promise.date must not be before today (${today})`);
    }
    if (errors.length > 0)
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: errors });

    const recordedAt = new Date();
    // The action's id is its event's id: the audit row names the event it queued.
    const actionId = randomUUID();
    const data: CollectionActionRecordedData = {
      actionId,
      actionType: body.type,
      text: body.text,
      recordedBy: principal.subject,
      ...(body.promise ? { promise: { amount: body.promise.amount, date: body.promise.date } } : {}),
      ...(body.stage ? { stage: body.stage } : {}),
      ...(body.assignee !== undefined ? { assignee: body.assignee } : {}),
    };
    const { eventId, message } = governanceMessage(
      this.settings.kafka.topics.creditLimits,
      companyId,
      customerId,
      'collectionAction.recorded',
      data,
      recordedAt,
      actionId,
    );
    const row = await this.db.transaction(async (tx) => {
      await this.repository.lock(tx, companyId, customerId);
      const current = await this.repository.findCase(tx, companyId, customerId);
      const problem =
        body.type === 'stage'
          ? stageChangeProblem(current?.stage, body.stage!)
          : body.type === 'promise' && current === undefined
            ? 'has no open collection case: a promise to pay needs one'
            : null;
      if (problem !== null)
        throw new ConflictException(`customer ${customerId} of company ${companyId} ${problem}`);
      const action: CollectionActionRow = {
        action_id: eventId,
        company_id: companyId,
        customer_id: customerId,
        case_id: current?.case_id ?? null,
        action_type: body.type,
        text: body.text,
        promise_amount: body.promise?.amount ?? null,
        promise_date: body.promise?.date ?? null,
        stage: body.stage ?? null,
        assignee: body.assignee ?? null,
        recorded_by: principal.subject,
        recorded_at: recordedAt,
      };
      await this.repository.insertAction(tx, action);
      await this.repository.enqueue(tx, [message]);
      return action;
    });
    this.relay.wake();
    const view = actionView(row);
    // Normalised like the stored value (numeric(…,2)): "12.5" is answered as "12.50".
    if (view.promise) view.promise.amount = twoDecimals(view.promise.amount);
    return { ...view, eventId };
  }

  async history(
    companyId: string,
    customerId: string,
    query: { limit?: number; offset?: number },
  ): Promise<CollectionHistoryPage> {
    const { limit, offset } = pageOf(query);
    const [kase, { rows, total }] = await Promise.all([
      this.repository.findCase(this.db.manager, companyId, customerId),
      this.repository.listActions(this.db.manager, companyId, customerId, limit, offset),
    ]);
    return { case: kase ? caseView(kase) : null, items: rows.map(actionView), limit, offset, total };
  }

  async worklist(companyId: string, query: WorklistQuery): Promise<WorklistPage> {
    const { limit, offset } = pageOf(query);
    const date = query.date ?? (await this.today(companyId));
    const { rows, total } = await this.repository.worklist(this.db.manager, companyId, {
      date,
      assignee: query.assignee ?? null,
      limit,
      offset,
    });
    return { date, items: rows.map(worklistItem), limit, offset, total };
  }
}

/** "12.5" -> "12.50", "7" -> "7.00". */
function twoDecimals(amount: string): string {
  const [units, cents = ''] = amount.split('.');
  return `${units}.${cents.padEnd(2, '0')}`;
}
