import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Principal, satisfies } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import {
  deterministicEventId,
  documentHoldId,
  DOCUMENT_OUTCOME_TYPES,
  documentOutcomeData,
  HeldDocument,
  LIMITS,
  OutputEvent,
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
import { ApiOutbox, HOLD_REASONS, HoldReason } from '@credit/postgres';
import { CompanyParametersStore, customerKey, DocumentHolds, LiveRecords } from '@credit/redis';
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
} from '../tokens';
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

/** The columns of a pending hold that a repeated check answers with. */
interface PendingHold {
  hold_id: string;
  exposure_before: string;
  exposure_after: string;
  limit_amount: string | null;
  excess: string;
  reasons: HoldReason[];
}

const HOLD_REASON_SET: ReadonlySet<string> = new Set(HOLD_REASONS);

/** Postgres unique_violation: another request held the same document at the same moment. */
const isUniqueViolation = (error: unknown): boolean =>
  error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';

/** The response without the fields common to every answer. */
type Answer = Omit<CreditCheckResponse, 'requestedBy' | 'sentBy' | 'businessDate' | 'requestId'>;

/** One retry is enough: the second attempt finds the hold the concurrent request created. */
const MAX_ATTEMPTS = 3;

/** Companies whose parameters are kept (a tenant has a handful; the bound only guards memory). */
const PARAMETERS_CACHE_COMPANIES = 10_000;

/** Checks sharing one statement at most (9 parameters each; Postgres takes 65,535). */
const OUTCOME_BATCH = 500;

/** The checked documents, as the relation `request` of ApiOutbox.enqueueEachUnless. */
const PENDING_HOLD_COLUMNS = [
  { name: 'company_id', type: 'text' },
  { name: 'customer_id', type: 'text' },
  { name: 'document_type', type: 'text' },
  { name: 'document_id', type: 'text' },
];

/** The pending hold of each checked document, if any: a repeated check answers with it. */
const PENDING_HOLD_OF_REQUEST = `
  SELECT r.i, h.hold_id, h.exposure_before, h.exposure_after, h.limit_amount, h.excess, h.reasons
    FROM request r JOIN hold h
      ON h.company_id = r.company_id AND h.customer_id = r.customer_id
     AND h.document_type = r.document_type AND h.document_id = r.document_id AND h.status = 'pending'`;

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
    @Inject(API_OUTBOX) private readonly outbox: ApiOutbox,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(LIVE_RECORDS) private readonly records: LiveRecords,
    @Inject(COMPANY_PARAMETERS_STORE) private readonly parameters: CompanyParametersStore,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
    @Inject(DOCUMENT_HOLDS) private readonly documentHolds: DocumentHolds,
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
    const [record, params] = await Promise.all([this.records.get(key), this.parametersOf(companyId)]);
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
    const repeated = (pending: PendingHold): Answer =>
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
                  const pending = await this.pendingHold(tx, check);
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
  private readonly outcomes = new DataLoader<{ check: Check; queue: boolean }, PendingHold | null>(
    (checks) => this.queueOutcomes(checks),
    // setImmediate: after the I/O callbacks of this turn, so requests that arrived together share it.
    { cache: false, maxBatchSize: OUTCOME_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  /** The pending hold of each check's document; queues the outcome of those to queue that have none. */
  private async queueOutcomes(
    checks: readonly { check: Check; queue: boolean }[],
  ): Promise<(PendingHold | null)[]> {
    const found = await this.outbox.enqueueEachUnless<PendingHold & { i: number }>(
      this.db.manager,
      PENDING_HOLD_COLUMNS,
      PENDING_HOLD_OF_REQUEST,
      checks.map(({ check, queue }) => ({
        values: [check.companyId, check.customerId, check.request.documentType, check.request.documentId],
        message: queue ? this.outcomeMessage(check, undefined) : null,
      })),
    );
    return found.map(([pending]) => pending ?? null);
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
    const [{ decided }]: { decided: number }[] = await tx.query(
      `SELECT count(*)::int AS decided FROM hold
        WHERE company_id = $1 AND customer_id = $2 AND document_type = $3 AND document_id = $4
          AND status <> 'pending'`,
      [document.companyId, document.customerId, document.documentType, document.documentId],
    );
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

  private outcomeMessage(check: Check, holdId: string | undefined): OutboundMessage {
    return {
      topic: this.settings.kafka.topics.blocks,
      key: customerKey(check.companyId, check.customerId),
      value: JSON.stringify(outcomeEvent(check, holdId)),
    };
  }

  private async pendingHold(tx: EntityManager, check: Check): Promise<PendingHold | null> {
    const { sql, params } = pendingHoldQuery(check);
    const [row]: PendingHold[] = await tx.query(sql, params);
    return row ?? null;
  }

  private async insertHold(tx: EntityManager, holdId: string, check: Check): Promise<void> {
    const { request, result } = check;
    await tx.query(
      `INSERT INTO hold (hold_id, company_id, customer_id, document_type, document_id, amount,
         exposure_before, exposure_after, limit_amount, excess, reasons, requested_by, sent_by, source,
         causation_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'api', $14, $15)`,
      [
        holdId,
        check.companyId,
        check.customerId,
        request.documentType,
        request.documentId,
        formatMoney(request.amount),
        formatMoney(result.exposureBefore),
        formatMoney(result.exposureAfter),
        result.limit === null ? null : formatMoney(result.limit),
        formatMoney(result.excess),
        result.reasons.filter((r) => HOLD_REASON_SET.has(r)),
        check.requestedBy,
        check.sentBy,
        check.requestId,
        check.now,
      ],
    );
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

/** The pending hold of the checked document, if any: a repeated check answers with it. */
function pendingHoldQuery(check: Check): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT hold_id, exposure_before, exposure_after, limit_amount, excess, reasons FROM hold
           WHERE company_id = $1 AND customer_id = $2 AND document_type = $3 AND document_id = $4
             AND status = 'pending'`,
    params: [check.companyId, check.customerId, check.request.documentType, check.request.documentId],
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
 * document.allowed / warned / held in the contract's envelope. Outcomes of API
 * requests carry sequence 0: the per-customer sequence belongs to the engine's
 * state, which the API does not write (docs/api.md).
 */
function outcomeEvent(check: Check, holdId: string | undefined): OutputEvent {
  const type = DOCUMENT_OUTCOME_TYPES[check.result.decision];
  const key = customerKey(check.companyId, check.customerId);
  return {
    eventId: deterministicEventId(key, check.requestId, type),
    type,
    schemaVersion: 1,
    occurredAt: check.now.toISOString(),
    companyId: check.companyId,
    customerId: check.customerId,
    causationId: check.requestId,
    sequence: 0,
    data: documentOutcomeData(check.request, check.result, {
      requestedBy: check.requestedBy,
      sentBy: check.sentBy,
      holdId,
    }),
  };
}

/**
 * The answer to a re-check of a document that already has a pending hold: that
 * hold as recorded (its figures and reasons), its statuses against the
 * customer's current attention threshold.
 */
function repeatedHold(pending: PendingHold, fresh: CreditCheckResult, limit: EffectiveLimit | null): Answer {
  const statusOf = (amount: string): ExposureStatus =>
    limit === null || pending.limit_amount === null
      ? 'NO_LIMIT'
      : limitStatus(parseMoney(amount), { ...limit, amount: parseMoney(pending.limit_amount) });
  const before = parseMoney(pending.exposure_before);
  const after = parseMoney(pending.exposure_after);
  return {
    decision: 'HOLD',
    holdId: pending.hold_id,
    repeated: true,
    severity: fresh.severity,
    exposureBefore: formatMoney(before),
    exposureAfter: formatMoney(after),
    incremental: formatMoney(after - before),
    limit: pending.limit_amount === null ? null : formatMoney(parseMoney(pending.limit_amount)),
    excess: formatMoney(parseMoney(pending.excess)),
    reasons: [...pending.reasons],
    status: { before: statusOf(pending.exposure_before), after: statusOf(pending.exposure_after) },
  };
}
