import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiSettings } from '@credit/config';
import {
  DocumentDecisionData,
  DocumentReason,
  outputEvent,
  outputMessage,
  validateOutputEvent,
} from '@credit/contracts';
import { formatMoney } from '@credit/domain';
import {
  ApiOutbox,
  ApprovalGrantRow,
  ApprovalRolesRepository,
  CustomerExposureRepository,
  HoldDecision,
  HoldDecisionRow,
  HoldRow,
  HoldsRepository,
} from '@credit/postgres';
import { DocumentHolds } from '@credit/redis';
import { exposureView } from '../exposure/exposure.view';
import { API_OUTBOX, API_SETTINGS, DATA_SOURCE, DOCUMENT_HOLDS, OUTBOX_WAKER, OutboxWaker } from '../tokens';
import { ApprovalGrant, AuthorityVerdict, rejectVerdict, releaseVerdict } from './authority';
import { HoldDecisionDto, HoldDetailDto, HoldDto, HoldsQuery } from './holds.dto';
import { numericCents } from './request-rules';
import { Page, pageOf } from '../http/paging';

export type Decision = HoldDecision;

/** Money columns are normalised to the contract's two-decimal strings. */
const money = (text: string): string => formatMoney(numericCents(text));

function holdDto(row: HoldRow): HoldDto {
  return {
    holdId: row.holdId,
    companyId: row.companyId,
    customerId: row.customerId,
    customerName: row.customerName,
    documentType: row.documentType,
    documentId: row.documentId,
    amount: money(row.amount),
    exposureBefore: money(row.exposureBefore),
    exposureAfter: money(row.exposureAfter),
    incrementalExposure: formatMoney(numericCents(row.exposureAfter) - numericCents(row.exposureBefore)),
    limit: row.limitAmount === null ? null : money(row.limitAmount),
    excess: money(row.excess),
    reasons: row.reasons,
    requestedBy: row.requestedBy,
    sentBy: row.sentBy,
    source: row.source,
    status: row.status,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt === null ? null : row.decidedAt.toISOString(),
    decisionReason: row.decisionReason,
    createdAt: row.createdAt.toISOString(),
    ageMinutes: row.ageMinutes,
  };
}

const decisionDto = (row: HoldDecisionRow): HoldDecisionDto => ({
  decisionId: row.decisionId,
  decision: row.decision,
  decidedBy: row.decidedBy,
  reason: row.reason,
  authority: row.authority,
  requestId: row.requestId,
  decidedAt: row.decidedAt.toISOString(),
});

const grantOf = (row: ApprovalGrantRow): ApprovalGrant => ({
  name: row.name,
  maxExcess: row.maxExcess === null ? null : numericCents(row.maxExcess),
  mayReleaseOverdue: row.mayReleaseOverdue,
});

const holdNotFound = (companyId: string, holdId: string) =>
  new NotFoundException(`hold ${holdId} does not exist in company ${companyId}`);

const alreadyDecided = (hold: Pick<HoldRow, 'holdId' | 'status' | 'decidedBy' | 'decidedAt'>) =>
  new ConflictException({
    message:
      `hold ${hold.holdId} was already ${hold.status}` +
      `${hold.decidedBy === null ? '' : ` by ${hold.decidedBy}`}` +
      `${hold.decidedAt === null ? '' : ` at ${hold.decidedAt.toISOString()}`}; a hold is decided only once`,
    // Not `status`: that member of the problem details is the HTTP status (RFC 9457).
    holdStatus: hold.status,
  });

/** Holds (documents blocked by a credit check) and their release by exception or rejection. */
@Injectable()
export class HoldsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly holds: HoldsRepository,
    private readonly roles: ApprovalRolesRepository,
    private readonly exposures: CustomerExposureRepository,
    @Inject(API_OUTBOX) private readonly outbox: ApiOutbox,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
    @Inject(DOCUMENT_HOLDS) private readonly documentHolds: DocumentHolds,
  ) {}

  private readonly logger = new Logger(HoldsService.name);

  async list(companyId: string, query: HoldsQuery): Promise<Page<HoldDto>> {
    const page = pageOf(query);
    const status = query.status ?? 'pending';
    const { rows, total } = await this.holds.list(
      companyId,
      {
        status: status === 'all' ? undefined : status,
        customerId: query.customerId,
        documentType: query.documentType,
        minAmount: query.minAmount,
        minExcess: query.minExcess,
        minAgeMinutes: query.minAgeMinutes,
        sort: query.sort ?? 'createdAt',
        order: query.order ?? 'asc',
      },
      page,
    );
    return { items: rows.map(holdDto), total, ...page };
  }

  async detail(companyId: string, holdId: string): Promise<HoldDetailDto> {
    const hold = await this.holds.find(companyId, holdId);
    if (hold === undefined) throw holdNotFound(companyId, holdId);
    return this.detailOf(hold);
  }

  /**
   * Releases or rejects a pending hold. In one transaction: the conditional
   * status change (exactly one decision wins, also under concurrency), the
   * hold_decision audit row and the document.released / document.rejected
   * event in the outbox; the relay is woken after the commit.
   */
  async decide(
    companyId: string,
    holdId: string,
    decision: Decision,
    subject: string,
    reason: string,
    requestId: string,
  ): Promise<HoldDetailDto> {
    const decided = await this.db.transaction(async (m) => {
      const hold = await this.holds.find(companyId, holdId, m);
      if (hold === undefined) throw holdNotFound(companyId, holdId);
      if (hold.status !== 'pending') throw alreadyDecided(hold);
      if (hold.requestedBy === subject || hold.sentBy === subject) {
        throw new ForbiddenException(
          `you ${hold.requestedBy === subject ? 'requested' : 'sent the check of'} ` +
            `${hold.documentType} ${hold.documentId}: the requester may not decide its own document`,
        );
      }
      const grants = (await this.roles.grantsOf(m, companyId, subject)).map(grantOf);
      const excess = numericCents(hold.excess);
      const verdict: AuthorityVerdict =
        decision === 'released'
          ? releaseVerdict(grants, { excess, reasons: hold.reasons }, companyId)
          : rejectVerdict(grants, companyId);
      if (!verdict.allowed)
        throw new ForbiddenException({ message: verdict.message, missing: verdict.missing });

      const updated = await this.holds.decide(
        m,
        { companyId, holdId },
        { status: decision, decidedBy: subject, reason },
      );
      if (updated === undefined) {
        // decided by someone else since we read it
        const now = await this.holds.find(companyId, holdId);
        throw alreadyDecided(now ?? hold);
      }
      const authority = {
        roles: [...grants]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((g) => ({
            name: g.name,
            maxExcess: g.maxExcess === null ? null : formatMoney(g.maxExcess),
            mayReleaseOverdue: g.mayReleaseOverdue,
          })),
        effective: {
          maxExcess: verdict.authority.maxExcess === null ? null : formatMoney(verdict.authority.maxExcess),
          mayReleaseOverdue: verdict.authority.mayReleaseOverdue,
        },
        required:
          decision === 'released'
            ? { excess: formatMoney(excess), overdue: hold.reasons.includes('OVERDUE') }
            : { approvalRole: true },
      };
      await this.holds.recordDecision(m, {
        holdId,
        companyId,
        decision,
        decidedBy: subject,
        reason,
        authority,
        requestId,
        decidedAt: updated.decidedAt!,
      });
      await this.outbox.enqueue(m, [this.decisionMessage(updated, decision, subject, reason, requestId)]);
      const generation = await this.holds.decidedCount(m, updated);
      return { hold: updated, generation };
    });
    this.relay.wake();
    await this.advanceGeneration(decided.hold, decided.generation);
    return this.detailOf(decided.hold);
  }

  /**
   * Tells the engine that the document's hold was decided: its next
   * asynchronous check decides afresh, and a HOLD names a new hold
   * (documentHoldId). After the commit: a step recorded for a decision that
   * then failed would let the engine pass over a pending hold. Should Redis be
   * away, the decision stands, and the engine keeps naming the decided hold
   * for that document until its next hold is recorded (a synchronous HOLD).
   */
  private async advanceGeneration(hold: HoldRow, generation: number): Promise<void> {
    const document = {
      companyId: hold.companyId,
      customerId: hold.customerId,
      documentType: hold.documentType,
      documentId: hold.documentId,
    };
    try {
      await this.documentHolds.decided(document, generation);
    } catch (error) {
      this.logger.error(
        `hold ${hold.holdId} decided, but its generation could not be recorded in Redis: ${String(error)}`,
      );
    }
  }

  private decisionMessage(
    hold: HoldRow,
    decision: Decision,
    subject: string,
    reason: string,
    requestId: string,
  ) {
    const view = holdDto(hold);
    const data: DocumentDecisionData = {
      documentType: hold.documentType,
      documentId: hold.documentId,
      amount: view.amount,
      incrementalExposure: view.incrementalExposure,
      exposureBefore: view.exposureBefore,
      exposureAfter: view.exposureAfter,
      limit: view.limit,
      reasons: hold.reasons as DocumentReason[],
      ...(hold.requestedBy === null ? {} : { requestedBy: hold.requestedBy }),
      ...(hold.sentBy === null ? {} : { sentBy: hold.sentBy }),
      holdId: hold.holdId,
      decidedBy: subject,
      reason,
    };
    const event = outputEvent({
      type: decision === 'released' ? 'document.released' : 'document.rejected',
      companyId: hold.companyId,
      customerId: hold.customerId,
      causationId: requestId,
      // API-originated events are outside the engine's per-customer sequence
      sequence: 0,
      occurredAt: hold.decidedAt!.toISOString(),
      data,
      idParts: [hold.holdId],
    });
    const validation = validateOutputEvent(event);
    if (!validation.ok) {
      throw new Error(`${event.type} for hold ${hold.holdId} violates its schema: ${validation.message}`);
    }
    return outputMessage(event, this.settings.kafka.topics);
  }

  private async detailOf(hold: HoldRow): Promise<HoldDetailDto> {
    const [exposure, decisions] = await Promise.all([
      this.exposures.find(hold.companyId, hold.customerId),
      this.holds.decisions(hold.holdId),
    ]);
    return {
      ...holdDto(hold),
      currentExposure: exposure === null ? null : exposureView(exposure),
      decisions: decisions.map(decisionDto),
    };
  }
}
