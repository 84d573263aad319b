import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, satisfies } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import {
  customerKey,
  documentHoldId,
  documentOutcomeEvent,
  HeldDocument,
  LIMITS,
  outputMessage,
} from '@credit/contracts';
import {
  BusinessDate,
  businessDateAt,
  CheckBasis,
  checkBasis,
  CheckRequest,
  checkDocumentOn,
  CustomerDocuments,
  Clock,
  CompanyParameters,
  CreditCheckResult,
  DEFAULT_PARAMETERS,
  effectiveLimit,
  EffectiveLimit,
  emptyDocuments,
  ExposureStatus,
  formatMoney,
  limitStatus,
  parseMoney,
  systemClock,
  withDefaults,
} from '@credit/domain';
import { OutboundMessage } from '@credit/kafka';
import {
  ApiOutbox,
  HOLD_REASONS,
  HoldReason,
  HoldsRepository,
  isUniqueViolation,
  PendingHoldRow,
} from '@credit/postgres';
import { CompanyParametersStore, DocumentHolds, LiveRecords } from '@credit/redis';
import {
  API_CLOCK,
  API_OUTBOX,
  API_SETTINGS,
  COMPANY_PARAMETERS_STORE,
  DATA_SOURCE,
  DOCUMENT_HOLDS,
  LIVE_RECORDS,
  OUTBOX_WAKER,
  OutboxWaker,
  STATE_READINESS,
} from '../tokens';
import { StateReadiness } from './state-readiness';
import { CreditCheckBody, CreditCheckResponse } from './credit-check.dto';

/** The company's parameters as the engine folds with them: stored ones over the defaults. */
export async function foldedParameters(
  store: CompanyParametersStore,
  defaultTimeZone: string,
  companyId: string,
): Promise<CompanyParameters> {
  return parametersFrom((await store.stored([companyId])).get(companyId) ?? null, defaultTimeZone);
}

/** Stored parameters (their JSON text, null when the company set none) over the defaults. */
function parametersFrom(stored: string | null, defaultTimeZone: string): CompanyParameters {
  const defaults = { ...DEFAULT_PARAMETERS, timeZone: defaultTimeZone };
  return stored === null ? defaults : withDefaults(JSON.parse(stored) as CompanyParameters, defaults);
}

/** One credit check request, decided. */
interface Check {
  companyId: string;
  customerId: string;
  request: CheckRequest;
  result: CreditCheckResult;
  /** Who the document is checked for: excluded from deciding its hold. */
  requestedBy: string;
  /** The authenticated caller (token subject): excluded from deciding its hold too. */
  sentBy: string;
  /** Id of the API request: causationId of the outcome event and of the hold. */
  requestId: string;
  now: Date;
}

const HOLD_REASON_SET: ReadonlySet<string> = new Set(HOLD_REASONS);

/** The response without the fields common to every answer. */
type Answer = Omit<CreditCheckResponse, 'requestedBy' | 'sentBy' | 'businessDate' | 'requestId'>;

/** One retry is enough: the second attempt finds the hold the concurrent request created. */
const MAX_ATTEMPTS = 3;

/** Companies whose parameters are kept (a tenant has a handful; the bound only guards memory). */
const PARAMETERS_CACHE_COMPANIES = 10_000;

/** Checks sharing one statement at most (9 parameters each; Postgres takes 65,535). */
const OUTCOME_BATCH = 500;

/**
 * The synchronous credit check of spec section 6. It reads the engine's live
 * state in Redis (not the projection), decides with the same pure function as
 * the engine (checkDocument), and in one Postgres transaction writes the hold
 * (for a HOLD) and queues the outcome event for risk.blocks through the API
 * outbox, so neither exists without the other.
 */
@Injectable()
export class CreditChecksService {
  private readonly clock: Clock;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly holds: HoldsRepository,
    @Inject(API_OUTBOX) private readonly outbox: ApiOutbox,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(LIVE_RECORDS) private readonly records: LiveRecords,
    @Inject(COMPANY_PARAMETERS_STORE) private readonly parameters: CompanyParametersStore,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
    @Inject(DOCUMENT_HOLDS) private readonly documentHolds: DocumentHolds,
    @Inject(STATE_READINESS) private readonly readiness: StateReadiness,
    @Optional() @Inject(API_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? systemClock();
  }

  private readonly logger = new Logger(CreditChecksService.name);

  /**
   * Company parameters by their stored text: each check reads the text (in the same round trip as
   * the customer's version, auto-pipelined) and parses and completes it only when it changed.
   */
  private readonly parametersByCompany = new Map<
    string,
    { stored: string | null; params: CompanyParameters }
  >();

  private async parametersOf(companyId: string): Promise<CompanyParameters> {
    const stored = (await this.parameters.stored([companyId])).get(companyId) ?? null;
    const known = this.parametersByCompany.get(companyId);
    if (known !== undefined && known.stored === stored) return known.params;
    const params = parametersFrom(stored, this.settings.defaultTimeZone);
    if (this.parametersByCompany.size >= PARAMETERS_CACHE_COMPANIES) this.parametersByCompany.clear();
    this.parametersByCompany.set(companyId, { stored, params });
    return params;
  }

  /**
   * The check basis of each customer's documents as last read (LiveRecords keeps a decoded record
   * while its version stands, so the same documents object comes back), for the business date and
   * the parameters it was computed for: checks between two of the customer's events cost the time
   * of their references, not a recomputation of every component.
   */
  private readonly bases = new WeakMap<
    CustomerDocuments,
    { businessDate: BusinessDate; params: CompanyParameters; basis: CheckBasis }
  >();

  private basisOf(documents: CustomerDocuments, businessDate: BusinessDate, params: CompanyParameters) {
    const known = this.bases.get(documents);
    if (known !== undefined && known.businessDate === businessDate && known.params === params) {
      return known.basis;
    }
    const basis = checkBasis(documents, businessDate, params);
    this.bases.set(documents, { businessDate, params, basis });
    return basis;
  }

  async check(
    companyId: string,
    customerId: string,
    body: CreditCheckBody,
    principal: Principal,
  ): Promise<CreditCheckResponse> {
    const key = customerKey(companyId, customerId);
    const [record, params] = await Promise.all([
      this.records.get(key),
      this.parametersOf(companyId),
      // A customer whose history is not folded back yet would look as if it had none (a wrong ALLOW).
      this.readiness.requireRebuilt(key),
    ]);
    // A customer the engine has never seen has no documents: it is checked as such.
    const documents = record?.documents ?? emptyDocuments();
    const now = this.clock.now();
    const businessDate = businessDateAt(now, params.timeZone);
    const request: CheckRequest = {
      documentType: body.documentType,
      documentId: body.documentId,
      amount: parseMoney(body.amount),
      orderRefs: (body.orderRefs ?? []).map((r) => ({ orderId: r.orderId, amount: parseMoney(r.amount) })),
      deliveryRefs: (body.deliveryRefs ?? []).map((r) => ({
        deliveryId: r.deliveryId,
        amount: parseMoney(r.amount),
      })),
      ...(body.paymentTermsDays === undefined ? {} : { paymentTermsDays: body.paymentTermsDays }),
    };
    const check: Check = {
      companyId,
      customerId,
      request,
      result: checkDocumentOn(this.basisOf(documents, businessDate, params), documents, request, params),
      requestedBy: requesterOf(body, principal),
      sentBy: principal.subject.slice(0, LIMITS.idMaxLength),
      requestId: randomUUID(),
      now,
    };
    const repeated = (pending: PendingHoldRow): Answer =>
      repeatedHold(pending, check.result, effectiveLimit(documents.limit, businessDate, params));
    for (let attempt = 1; ; attempt++) {
      try {
        // Outside a transaction and shared with the checks decided alongside (see queueOutcomes):
        // an ERP retrying a held document costs a share of one statement, not a transaction.
        const held = await this.outcomes.load({ check, queue: check.result.decision !== 'HOLD' });
        const { answer, generation } =
          held !== null
            ? { answer: repeated(held) }
            : check.result.decision !== 'HOLD'
              ? { answer: answerOf(check.result) }
              : await this.db.transaction(async (tx) => {
                  const pending = await this.holds.pendingOf(tx, documentOf(check));
                  return pending === null ? this.hold(tx, check) : { answer: repeated(pending) };
                });
        if (!answer.repeated) this.relay.wake();
        if (generation !== undefined) await this.recordHeld(check, generation);
        return {
          ...answer,
          requestedBy: check.requestedBy,
          sentBy: check.sentBy,
          businessDate,
          requestId: check.requestId,
        };
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Every check first looks for a pending hold of its document, and ALLOW and
   * WARN queue their outcome unless one exists. The checks decided in one turn
   * of the event loop share one statement: under load, one Postgres round trip
   * and one commit serve many requests instead of one each.
   */
  private readonly outcomes = new DataLoader<{ check: Check; queue: boolean }, PendingHoldRow | null>(
    (checks) => this.queueOutcomes(checks),
    // setImmediate: after the I/O callbacks of this turn, so requests that arrived together share it.
    { cache: false, maxBatchSize: OUTCOME_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  /** The pending hold of each check's document; queues the outcome of those to queue that have none. */
  private async queueOutcomes(
    checks: readonly { check: Check; queue: boolean }[],
  ): Promise<(PendingHoldRow | null)[]> {
    return this.holds.pendingOfEachOrEnqueue(
      checks.map(({ check, queue }) => ({
        document: documentOf(check),
        message: queue ? this.outcomeMessage(check, undefined) : null,
      })),
    );
  }

  /**
   * A new HOLD: the hold and its outcome event, in the caller's transaction.
   * Its id is the document's hold of the next generation, the one the engine
   * names for a document.checkRequested of the same document too: when both
   * paths hold it before either sees the other's hold, the two outcomes still
   * name one hold (the first stored wins, the second is a unique violation and
   * is retried as a repeated check).
   */
  private async hold(tx: EntityManager, check: Check): Promise<{ answer: Answer; generation: number }> {
    const document = documentOf(check);
    const decided = await this.holds.decidedCount(tx, document);
    const holdId = documentHoldId(document, decided);
    await this.insertHold(tx, holdId, check);
    await this.outbox.enqueue(tx, [this.outcomeMessage(check, holdId)]);
    return { answer: answerOf(check.result, holdId), generation: decided };
  }

  /**
   * Tells the engine that the document's hold of `generation` is pending, so
   * an asynchronous check of the document names it rather than deciding
   * afresh. After the commit, like a decision (HoldsService). Should Redis be
   * away, the hold stands, and the engine decides its checks afresh, naming
   * this hold for a HOLD, until it is decided.
   */
  private async recordHeld(check: Check, generation: number): Promise<void> {
    try {
      await this.documentHolds.held(documentOf(check), generation);
    } catch (error) {
      this.logger.error(
        `document ${check.request.documentType} ${check.request.documentId} held, ` +
          `but its pending hold could not be recorded in Redis: ${String(error)}`,
      );
    }
  }

  /**
   * document.allowed / warned / held. Outcomes of API requests carry sequence 0:
   * the per-customer sequence belongs to the engine's state, which the API does
   * not write (docs/api.md).
   */
  private outcomeMessage(check: Check, holdId: string | undefined): OutboundMessage {
    const event = documentOutcomeEvent(
      {
        companyId: check.companyId,
        customerId: check.customerId,
        causationId: check.requestId,
        sequence: 0,
        occurredAt: check.now.toISOString(),
      },
      check.request,
      { result: check.result, holdId },
      { requestedBy: check.requestedBy, sentBy: check.sentBy },
    );
    return outputMessage(event, this.settings.kafka.topics);
  }

  private async insertHold(tx: EntityManager, holdId: string, check: Check): Promise<void> {
    const { request, result } = check;
    await this.holds.insert(tx, {
      ...documentOf(check),
      holdId,
      amount: formatMoney(request.amount),
      exposureBefore: formatMoney(result.exposureBefore),
      exposureAfter: formatMoney(result.exposureAfter),
      limitAmount: result.limit === null ? null : formatMoney(result.limit),
      excess: formatMoney(result.excess),
      reasons: result.reasons.filter((r): r is HoldReason => HOLD_REASON_SET.has(r)),
      requestedBy: check.requestedBy,
      sentBy: check.sentBy,
      causationId: check.requestId,
      createdAt: check.now,
    });
  }
}

/** The checked document, as documentHoldId and DocumentHolds name it. */
function documentOf(check: Check): HeldDocument {
  return {
    companyId: check.companyId,
    customerId: check.customerId,
    documentType: check.request.documentType,
    documentId: check.request.documentId,
  };
}

/**
 * Who a check is for: the authenticated caller. Only the erp-service role,
 * which acts for the ERP's users, may name the ERP user in `requestedBy`; from
 * any other caller the field is not taken (the answer says who was recorded),
 * so nobody can pass its own request off as another's and then decide it.
 */
function requesterOf(body: CreditCheckBody, principal: Principal): string {
  const subject = principal.subject.slice(0, LIMITS.idMaxLength);
  return body.requestedBy !== undefined && satisfies(principal.roles, 'erp-service')
    ? body.requestedBy
    : subject;
}

/** The answer to a new decision. */
function answerOf(result: CreditCheckResult, holdId?: string): Answer {
  return {
    decision: result.decision,
    ...(holdId === undefined ? {} : { holdId }),
    repeated: false,
    severity: result.severity,
    exposureBefore: formatMoney(result.exposureBefore),
    exposureAfter: formatMoney(result.exposureAfter),
    incremental: formatMoney(result.incremental),
    limit: result.limit === null ? null : formatMoney(result.limit),
    excess: formatMoney(result.excess),
    reasons: [...result.reasons],
    status: { before: result.statusBefore, after: result.statusAfter },
  };
}

/**
 * The answer to a re-check of a document that already has a pending hold: that
 * hold as recorded (its figures and reasons), its statuses against the
 * customer's current attention threshold.
 */
function repeatedHold(
  pending: PendingHoldRow,
  fresh: CreditCheckResult,
  limit: EffectiveLimit | null,
): Answer {
  const statusOf = (amount: string): ExposureStatus =>
    limit === null || pending.limitAmount === null
      ? 'NO_LIMIT'
      : limitStatus(parseMoney(amount), { ...limit, amount: parseMoney(pending.limitAmount) });
  const before = parseMoney(pending.exposureBefore);
  const after = parseMoney(pending.exposureAfter);
  return {
    decision: 'HOLD',
    holdId: pending.holdId,
    repeated: true,
    severity: fresh.severity,
    exposureBefore: formatMoney(before),
    exposureAfter: formatMoney(after),
    incremental: formatMoney(after - before),
    limit: pending.limitAmount === null ? null : formatMoney(parseMoney(pending.limitAmount)),
    excess: formatMoney(parseMoney(pending.excess)),
    reasons: [...pending.reasons],
    status: { before: statusOf(pending.exposureBefore), after: statusOf(pending.exposureAfter) },
  };
}
