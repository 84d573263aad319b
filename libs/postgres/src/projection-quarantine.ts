import { DataSource } from 'typeorm';
import { storableText } from '@credit/contracts';

/** A customer the projector skipped: what could not be written, and why. */
export interface QuarantineEntry {
  companyId: string;
  customerId: string;
  /** The state version that could not be written; null when only history events were. */
  stateVersion: number | null;
  reason: string;
  /** History events (published on the output topics) not written to exposure_event. */
  skippedEventIds: string[];
}

/** A row of projection_quarantine, as the API lists it. */
export interface QuarantinedCustomer {
  companyId: string;
  customerId: string;
  stateVersion: string | null;
  reason: string;
  skippedEventIds: string[];
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
}

/** Skipped event ids kept per customer: enough to find them on the output topics. */
const MAX_SKIPPED_EVENT_IDS = 1000;

/**
 * The customers whose projection is quarantined (projection_quarantine). Written by the engine's
 * projector when a customer's rows cannot be stored; ExposureProjection.upsert lifts an entry when a
 * newer state of the customer is written; the API lists them.
 */
export class ProjectionQuarantine {
  constructor(private readonly db: DataSource) {}

  private async connected(): Promise<DataSource> {
    if (!this.db.isInitialized) await this.db.initialize();
    return this.db;
  }

  /** Records (or refreshes) a customer's quarantine. Every value is made storable first. */
  async quarantine(entry: QuarantineEntry, at: Date): Promise<void> {
    const db = await this.connected();
    await db.query(
      `INSERT INTO projection_quarantine AS q
         (company_id, customer_id, state_version, reason, skipped_event_ids, first_seen, last_seen)
       VALUES ($1, $2, $3, $4, $5::text[], $6, $6)
       ON CONFLICT (company_id, customer_id) DO UPDATE SET
         state_version = CASE
           WHEN q.state_version IS NULL THEN EXCLUDED.state_version
           WHEN EXCLUDED.state_version IS NULL THEN q.state_version
           ELSE greatest(q.state_version, EXCLUDED.state_version) END,
         reason = EXCLUDED.reason,
         skipped_event_ids = (ARRAY(SELECT DISTINCT id
           FROM unnest(q.skipped_event_ids || EXCLUDED.skipped_event_ids) AS id ORDER BY id))[1:${MAX_SKIPPED_EVENT_IDS}],
         occurrences = q.occurrences + 1,
         last_seen = EXCLUDED.last_seen`,
      [
        entry.companyId,
        entry.customerId,
        entry.stateVersion,
        storableText(entry.reason),
        entry.skippedEventIds.slice(-MAX_SKIPPED_EVENT_IDS).map(storableText),
        at,
      ],
    );
  }

  /** A company's quarantined customers, most recently seen first. */
  async list(
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: QuarantinedCustomer[]; total: number }> {
    const db = await this.connected();
    const rows = (await db.query(
      `SELECT company_id, customer_id, state_version::text AS state_version, reason, skipped_event_ids,
              occurrences, first_seen, last_seen
         FROM projection_quarantine
        WHERE company_id = $1
        ORDER BY last_seen DESC, customer_id COLLATE "C"
        LIMIT $2 OFFSET $3`,
      [companyId, page.limit, page.offset],
    )) as Record<string, unknown>[];
    const [{ n }] = (await db.query(
      `SELECT count(*)::int AS n FROM projection_quarantine WHERE company_id = $1`,
      [companyId],
    )) as { n: number }[];
    return {
      total: n,
      items: rows.map((r) => ({
        companyId: String(r.company_id),
        customerId: String(r.customer_id),
        stateVersion: r.state_version === null ? null : String(r.state_version),
        reason: String(r.reason),
        skippedEventIds: r.skipped_event_ids as string[],
        occurrences: Number(r.occurrences),
        firstSeen: (r.first_seen as Date).toISOString(),
        lastSeen: (r.last_seen as Date).toISOString(),
      })),
    };
  }
}
