export const API_SETTINGS = Symbol('API_SETTINGS');
/** The shared connections' tokens (libs/infrastructure), re-exported for the API's features. */
export { DATA_SOURCE, MESSAGE_PUBLISHER } from '@credit/infrastructure';
/** The CSV exports' own small pool: a slow download never takes a connection checks and decisions need. */
export const EXPORT_DATA_SOURCE = Symbol('EXPORT_DATA_SOURCE');
/** projection_quarantine: the customers the engine's projector skipped. */
export const PROJECTION_QUARANTINE = Symbol('PROJECTION_QUARANTINE');
export const API_OUTBOX = Symbol('API_OUTBOX');
/** The engine's live state in Redis (LiveRecords): credit checks read it, not the projection. */
export const LIVE_RECORDS = Symbol('LIVE_RECORDS');
export const COMPANY_PARAMETERS_STORE = Symbol('COMPANY_PARAMETERS_STORE');
/** DocumentHolds in Redis: each synchronous hold and each decision, recorded for the engine's checks. */
export const DOCUMENT_HOLDS = Symbol('DOCUMENT_HOLDS');
/**
 * The outbox relay (ApiOutboxRelay in core/) as `{ wake() }`: call `wake()` after committing a
 * transaction that enqueued messages. A token, so that services need not import
 * the core module (which would be a circular import).
 */
export const OUTBOX_WAKER = Symbol('OUTBOX_WAKER');
export interface OutboxWaker {
  wake(): void;
}
/** The API's `Clock` (business dates: "today" in a company's time zone); the system clock unless provided. */
export const API_CLOCK = Symbol('API_CLOCK');
/** CreditGovernanceRepository: credit classes, manual blocks, limit requests and limit authority (section 11). */
export const CREDIT_GOVERNANCE = Symbol('CREDIT_GOVERNANCE');
/** StateReadiness: whether a customer's live state is rebuilt (a credit check answers 503 until it is). */
export const STATE_READINESS = Symbol('STATE_READINESS');
