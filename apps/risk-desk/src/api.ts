import type { ExposureView, LiveEvent } from '../../../libs/contracts/src/resources';
import { SseParser } from './sse';

/** The API's problem body: `errors` holds one message per invalid field, each starting with the field's path. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
  }

  /** Messages about `field` (e.g. "amount must be ..." or "riskClasses.B.maxAvgDaysLate must ..."). */
  about(field: string): string[] {
    return this.errors.filter((m) => m === field || m.startsWith(`${field} `) || m.startsWith(`${field}:`));
  }
}

export interface Me {
  subject: string;
  roles: string[];
  companies: string[] | '*';
}

const ROLE_LEVEL: Record<string, number> = {
  viewer: 1,
  'erp-service': 1,
  approver: 2,
  'credit-manager': 3,
  admin: 4,
};

/** True when one of `roles` is at least `required` in the viewer < approver < credit-manager < admin ladder. */
export const hasRole = (roles: string[], required: 'viewer' | 'approver' | 'credit-manager' | 'admin') =>
  roles.some((r) => r !== 'erp-service' && (ROLE_LEVEL[r] ?? 0) >= ROLE_LEVEL[required]);

/** Calls the risk API of the same origin with the user's token. */
export class Api {
  constructor(readonly token: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body)).body;
  }

  /** Like request(), with the status: some routes answer 200 or 202 (a limit change that became a request). */
  async send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      // RFC 9457 problem details (docs/api.md, "Errors"); `message` is the alias of `detail` kept for older APIs.
      const problem = (json ?? {}) as { detail?: string; message?: string; errors?: string[] };
      throw new ApiError(
        response.status,
        problem.detail ?? problem.message ?? response.statusText,
        problem.errors ?? [],
      );
    }
    return { status: response.status, body: json as T };
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /**
   * Follows the company's live stream, reconnecting after a pause when it ends
   * (token expiry, API restart, network). `onReady` runs on every (re)connection:
   * reload the state then, since events published while disconnected are not replayed.
   */
  follow(
    companyId: string,
    handlers: {
      onReady: () => void;
      onChange: (event: LiveChange) => void;
      onState: (state: 'connecting' | 'live' | 'offline') => void;
    },
  ): () => void {
    let stopped = false;
    let controller: AbortController | undefined;
    const run = async () => {
      while (!stopped) {
        handlers.onState('connecting');
        controller = new AbortController();
        try {
          const response = await fetch(`/v1/companies/${encodeURIComponent(companyId)}/live`, {
            headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' },
            signal: controller.signal,
          });
          if (!response.ok || !response.body) throw new Error(`live stream answered ${response.status}`);
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          const parser = new SseParser();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const message of parser.push(value)) {
              if (message.event === 'ready') {
                handlers.onState('live');
                handlers.onReady();
              } else if (message.event === 'change') {
                handlers.onChange(JSON.parse(message.data) as LiveChange);
              }
            }
          }
        } catch {
          // reconnect below
        }
        if (stopped) return;
        handlers.onState('offline');
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    };
    void run();
    return () => {
      stopped = true;
      controller?.abort();
    };
  }
}

export type LiveChange = LiveEvent;

export type Status = 'NO_LIMIT' | 'OK' | 'WARNING' | 'EXCEEDED';
export const STATUSES: Status[] = ['NO_LIMIT', 'OK', 'WARNING', 'EXCEEDED'];
export const COMPONENTS = ['orders', 'deliveries', 'unpostedInvoices', 'receivables', 'bills'] as const;
export type Component = (typeof COMPONENTS)[number];

/**
 * What issue #17 adds to the exposure resource (credit class, manual block,
 * temporary limit, review date). Optional here so that the desk also reads an
 * API that does not send them yet; a customer without them shows "—".
 */
export interface CreditTerms {
  creditClass?: { code: string; maxPaymentTermsDays: number; maxDocumentAmount: string | null } | null;
  manualBlock?: { reason: string; until: string | null } | null;
  reviewDueOn?: string | null;
}
export type Exposure = ExposureView &
  CreditTerms & {
    limit:
      | (NonNullable<ExposureView['limit']> & {
          temporaryAmount?: string | null;
          temporaryUntil?: string | null;
          effectiveAmount?: string;
        })
      | null;
  };

/** A credit class of GET/PUT …/credit-classes/{code} (spec section 11). */
export interface CreditClass {
  code: string;
  description: string;
  maxPaymentTermsDays: number;
  maxDocumentAmount: string | null;
  reviewEveryDays: number | null;
  /** How many customers hold it. */
  customers: number;
  updatedBy: string;
  updatedAt: string;
}

/** GET …/customers/{id}/credit-class: who assigned the customer's class, when and why. */
export interface ClassAssignment {
  customerId: string;
  code: string;
  reason: string;
  assignedBy: string;
  assignedAt: string;
}

/** GET …/customers/{id}/manual-block. */
export interface ManualBlock {
  customerId: string;
  reason: string;
  until: string | null;
  setBy: string;
  setAt: string;
}

/** A limit change above its setter's authority, waiting for a second approver (four eyes). */
export interface LimitRequest {
  requestId: string;
  companyId: string;
  customerId: string;
  customerName: string | null;
  amount: string;
  mode: 'warn' | 'block';
  attentionThresholdPct: number;
  validUntil: string | null;
  blockOnOverdue: boolean;
  overdueToleranceDays: number;
  temporaryAmount: string | null;
  temporaryUntil: string | null;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

/** GET …/customers/{id}/credit-limit/proposal. */
export interface LimitProposal {
  proposedAmount: string;
  currentLimit: string | null;
  basis: {
    turnover12m: string;
    fromDate: string;
    toDate: string;
    maxPaymentTermsDays: number;
    termsSource: 'class' | 'customer' | 'none';
    avgDaysLate: string;
    riskClass: string;
    factor: string;
  };
}

/** A 404 read as "none" (no class, no block, no proposal); any other error is thrown again. */
export const noneIfMissing = <T>(promise: Promise<T>): Promise<T | null> =>
  promise.catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  });

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Hold {
  holdId: string;
  customerId: string;
  customerName: string | null;
  documentType: string;
  documentId: string;
  amount: string;
  exposureBefore: string;
  exposureAfter: string;
  limit: string | null;
  excess: string;
  reasons: string[];
  requestedBy: string | null;
  sentBy: string | null;
  status: string;
  ageMinutes: number;
}

/** GET …/exposures/summary: the board's summary strip. */
export interface ExposureSummary {
  customers: number;
  totalExposure: string;
  exceeded: number;
  warning: number;
  blocked: number;
  overdueAmount: string;
  overdueCustomers: number;
  holdsWaiting: number;
  holdsWaitingAmount: string;
}

/** An output event of risk.breaches or risk.blocks (docs/events.md), as an inbox entry carries it. */
export interface AlertEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  companyId: string;
  customerId: string;
  data: Record<string, unknown>;
}

/** One entry of GET /v1/me/inbox (InboxEntryDto); `event` is null for a daily digest entry. */
export interface InboxItem {
  deliveryId: string;
  companyId: string;
  customerId: string | null;
  customerName: string | null;
  eventType: string;
  eventId: string;
  event: AlertEvent | null;
  createdAt: string;
  readAt: string | null;
}

/** GET /v1/me/inbox: a page of entries and the unread ones in all (whatever the filter). */
export interface InboxPage extends Page<InboxItem> {
  unread: number;
}

export const NOTIFICATION_CHANNELS = ['email', 'webhook', 'inbox'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** A subscription of GET …/subscriptions[/{subscriptionId}] (SubscriptionDto): the secret never, only `hasSecret`. */
export interface Subscription {
  companyId: string;
  subscriptionId: string;
  channel: NotificationChannel;
  target: string;
  eventTypes: string[];
  filter: {
    salesAgentIds?: string[];
    customerIds?: string[];
    minExcess?: string;
    riskClasses?: string[];
  };
  digest: 'immediate' | 'daily';
  hasSecret: boolean;
  enabled: boolean;
  updatedBy: string;
  updatedAt: string;
}

export const companyPath = (companyId: string, rest = '') =>
  `/v1/companies/${encodeURIComponent(companyId)}${rest}`;
export const customerPath = (companyId: string, customerId: string, rest = '') =>
  companyPath(companyId, `/customers/${encodeURIComponent(customerId)}${rest}`);

/** One intervention of the worklist (spec section 12). */
export type WorklistKind =
  'level-reached' | 'promise-due' | 'promise-broken' | 'review-due' | 'hold-waiting' | 'legal';

export interface WorklistItem {
  kind: WorklistKind;
  customerId: string;
  customerName: string | null;
  reason: string;
  amountAtStake: string;
  daysOverdue: number;
  suggestedAction: string;
  caseId?: string;
  assignee?: string;
  level?: number;
  holdId?: string;
}

export interface WorklistPage extends Page<WorklistItem> {
  date: string;
}

export type CollectionActionType = 'call' | 'note' | 'promise' | 'stage' | 'assign';

export interface CollectionAction {
  actionId: string;
  customerId: string;
  caseId: string | null;
  type: CollectionActionType;
  text: string;
  promise?: { amount: string; date: string };
  stage?: 'legal' | 'written-off';
  assignee?: string;
  recordedBy: string;
  recordedAt: string;
}

export interface CollectionCase {
  caseId: string;
  stage: 'dunning' | 'legal' | 'written-off';
  level: number;
  action: string | null;
  levelReachedOn: string | null;
  overdueAmount: string | null;
  oldestDueDate: string | null;
  assignee: string | null;
  promise: {
    promiseId: string;
    amount: string;
    date: string;
    status: 'pending' | 'kept' | 'broken';
    brokenOn: string | null;
  } | null;
  blocked: boolean;
  blockReasons: string[];
}

export interface CollectionHistory extends Page<CollectionAction> {
  case: CollectionCase | null;
}
