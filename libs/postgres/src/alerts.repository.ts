import { DataSource, EntityManager } from 'typeorm';

export interface SalesAgentRow {
  companyId: string;
  agentId: string;
  name: string;
  email: string;
  updatedBy: string;
  updatedAt: Date;
}

export interface SubscriptionFilter {
  salesAgentIds?: string[];
  customerIds?: string[];
  /** Money string: only events whose excess over the limit reaches it. */
  minExcess?: string;
  riskClasses?: string[];
}

export interface SubscriptionRow {
  companyId: string;
  subscriptionId: string;
  channel: 'email' | 'webhook' | 'inbox';
  target: string;
  eventTypes: string[];
  filter: SubscriptionFilter;
  digest: 'immediate' | 'daily';
  /** The webhook's signing secret; never leaves the repository through the API. */
  secret: string | null;
  enabled: boolean;
  updatedBy: string;
  updatedAt: Date;
}

export type SubscriptionFields = Omit<
  SubscriptionRow,
  'companyId' | 'subscriptionId' | 'updatedBy' | 'updatedAt'
>;

export interface AlertChangeRow {
  changeId: string;
  companyId: string;
  changedBy: string;
  changedAt: Date;
  action: string;
  subjectId: string;
  before: unknown;
  after: unknown;
}

interface RawAgent {
  company_id: string;
  agent_id: string;
  name: string;
  email: string;
  updated_by: string;
  updated_at: Date;
}

interface RawSubscription {
  company_id: string;
  subscription_id: string;
  channel: SubscriptionRow['channel'];
  target: string;
  event_types: string[];
  filter: SubscriptionFilter;
  digest: SubscriptionRow['digest'];
  secret: string | null;
  enabled: boolean;
  updated_by: string;
  updated_at: Date;
}

const agentRow = (r: RawAgent): SalesAgentRow => ({
  companyId: r.company_id,
  agentId: r.agent_id,
  name: r.name,
  email: r.email,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const subscriptionRow = (r: RawSubscription): SubscriptionRow => ({
  companyId: r.company_id,
  subscriptionId: r.subscription_id,
  channel: r.channel,
  target: r.target,
  eventTypes: r.event_types,
  filter: r.filter,
  digest: r.digest,
  secret: r.secret,
  enabled: r.enabled,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

/** What the audit keeps of a subscription: everything but the secret, of which only whether it changed. */
const auditedSubscription = (s: SubscriptionRow) => ({
  channel: s.channel,
  target: s.target,
  eventTypes: s.eventTypes,
  filter: s.filter,
  digest: s.digest,
  enabled: s.enabled,
  hasSecret: s.secret !== null,
});

const auditedAgent = (a: SalesAgentRow) => ({ name: a.name, email: a.email });

/**
 * Sales agents and alert subscriptions of each company, and the audit trail of
 * every change to them (alert_change). Each change and its audit row commit together.
 */
export class AlertsRepository {
  constructor(private readonly db: DataSource) {}

  async agents(
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<{ rows: SalesAgentRow[]; total: number }> {
    const { rows, total } = await this.companyPage<RawAgent>('sales_agent', 'agent_id', companyId, page);
    return { rows: rows.map(agentRow), total };
  }

  async agent(companyId: string, agentId: string): Promise<SalesAgentRow | undefined> {
    const [row]: RawAgent[] = await this.db.query(
      `SELECT * FROM sales_agent WHERE company_id = $1 AND agent_id = $2`,
      [companyId, agentId],
    );
    return row && agentRow(row);
  }

  /** The agents of some companies by (companyId, agentId), for the notifier. */
  async agentsOf(companyIds: string[]): Promise<SalesAgentRow[]> {
    if (companyIds.length === 0) return [];
    const rows: RawAgent[] = await this.db.query(`SELECT * FROM sales_agent WHERE company_id = ANY($1)`, [
      companyIds,
    ]);
    return rows.map(agentRow);
  }

  /** Creates or replaces an agent; a PUT that changes nothing is not audited. */
  async putAgent(
    companyId: string,
    agentId: string,
    fields: { name: string; email: string },
    actor: string,
  ): Promise<{ agent: SalesAgentRow; created: boolean }> {
    return this.db.transaction(async (m) => {
      const [before]: RawAgent[] = await m.query(
        `SELECT * FROM sales_agent WHERE company_id = $1 AND agent_id = $2 FOR UPDATE`,
        [companyId, agentId],
      );
      const [after]: RawAgent[] = await m.query(
        `INSERT INTO sales_agent (company_id, agent_id, name, email, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (company_id, agent_id) DO UPDATE SET name = $3, email = $4, updated_by = $5, updated_at = now()
             WHERE sales_agent.name IS DISTINCT FROM $3 OR sales_agent.email IS DISTINCT FROM $4
           RETURNING *`,
        [companyId, agentId, fields.name, fields.email, actor],
      );
      if (after === undefined) return { agent: agentRow(before), created: false };
      await this.audit(
        m,
        companyId,
        actor,
        before ? 'sales-agent.updated' : 'sales-agent.created',
        agentId,
        before ? auditedAgent(agentRow(before)) : null,
        auditedAgent(agentRow(after)),
      );
      return { agent: agentRow(after), created: before === undefined };
    });
  }

  /** Deletes an agent; false when there was none. */
  async deleteAgent(companyId: string, agentId: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [[removed]]: [RawAgent[], number] = await m.query(
        `DELETE FROM sales_agent WHERE company_id = $1 AND agent_id = $2 RETURNING *`,
        [companyId, agentId],
      );
      if (removed === undefined) return false;
      await this.audit(
        m,
        companyId,
        actor,
        'sales-agent.deleted',
        agentId,
        auditedAgent(agentRow(removed)),
        null,
      );
      return true;
    });
  }

  async subscriptions(
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<{ rows: SubscriptionRow[]; total: number }> {
    const { rows, total } = await this.companyPage<RawSubscription>(
      'alert_subscription',
      'subscription_id',
      companyId,
      page,
    );
    return { rows: rows.map(subscriptionRow), total };
  }

  async subscription(companyId: string, subscriptionId: string): Promise<SubscriptionRow | undefined> {
    const [row]: RawSubscription[] = await this.db.query(
      `SELECT * FROM alert_subscription WHERE company_id = $1 AND subscription_id = $2`,
      [companyId, subscriptionId],
    );
    return row && subscriptionRow(row);
  }

  /** The enabled subscriptions of some companies, for the notifier. */
  async enabledSubscriptionsOf(companyIds: string[]): Promise<SubscriptionRow[]> {
    if (companyIds.length === 0) return [];
    const rows: RawSubscription[] = await this.db.query(
      `SELECT * FROM alert_subscription WHERE company_id = ANY($1) AND enabled ORDER BY company_id, subscription_id`,
      [companyIds],
    );
    return rows.map(subscriptionRow);
  }

  /**
   * Creates or replaces a subscription. A webhook PUT without a secret keeps the
   * stored one (so a client that never saw it can still change the rest).
   */
  async putSubscription(
    companyId: string,
    subscriptionId: string,
    fields: SubscriptionFields,
    actor: string,
  ): Promise<{ subscription: SubscriptionRow; created: boolean }> {
    return this.db.transaction(async (m) => {
      const [raw]: RawSubscription[] = await m.query(
        `SELECT * FROM alert_subscription WHERE company_id = $1 AND subscription_id = $2 FOR UPDATE`,
        [companyId, subscriptionId],
      );
      const before = raw && subscriptionRow(raw);
      const [after]: RawSubscription[] = await m.query(
        `INSERT INTO alert_subscription
           (company_id, subscription_id, channel, target, event_types, filter, digest, secret, enabled, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
         ON CONFLICT (company_id, subscription_id) DO UPDATE SET channel = $3, target = $4, event_types = $5,
           filter = $6::jsonb, digest = $7, secret = $8, enabled = $9, updated_by = $10, updated_at = now()
         RETURNING *`,
        [
          companyId,
          subscriptionId,
          fields.channel,
          fields.target,
          fields.eventTypes,
          JSON.stringify(fields.filter),
          fields.digest,
          fields.secret,
          fields.enabled,
          actor,
        ],
      );
      const subscription = subscriptionRow(after);
      const changed =
        before === undefined ||
        JSON.stringify(auditedSubscription(before)) !== JSON.stringify(auditedSubscription(subscription)) ||
        before.secret !== subscription.secret;
      if (changed) {
        await this.audit(
          m,
          companyId,
          actor,
          before ? 'subscription.updated' : 'subscription.created',
          subscriptionId,
          before ? { ...auditedSubscription(before) } : null,
          { ...auditedSubscription(subscription), secretChanged: before?.secret !== subscription.secret },
        );
      }
      return { subscription, created: before === undefined };
    });
  }

  async deleteSubscription(companyId: string, subscriptionId: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const [[removed]]: [RawSubscription[], number] = await m.query(
        `DELETE FROM alert_subscription WHERE company_id = $1 AND subscription_id = $2 RETURNING *`,
        [companyId, subscriptionId],
      );
      if (removed === undefined) return false;
      await this.audit(
        m,
        companyId,
        actor,
        'subscription.deleted',
        subscriptionId,
        auditedSubscription(subscriptionRow(removed)),
        null,
      );
      return true;
    });
  }

  async changes(
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<{ rows: AlertChangeRow[]; total: number }> {
    const { rows, total } = await this.companyPage<{
      change_id: string;
      company_id: string;
      changed_by: string;
      changed_at: Date;
      action: string;
      subject_id: string;
      before: unknown;
      after: unknown;
    }>('alert_change', 'change_id DESC', companyId, page);
    return {
      rows: rows.map((r) => ({
        changeId: String(r.change_id),
        companyId: r.company_id,
        changedBy: r.changed_by,
        changedAt: r.changed_at,
        action: r.action,
        subjectId: r.subject_id,
        before: r.before,
        after: r.after,
      })),
      total,
    };
  }

  /** One page of a company's rows of a table, in `order`, and how many there are in all. */
  private async companyPage<Raw>(
    table: 'sales_agent' | 'alert_subscription' | 'alert_change',
    order: string,
    companyId: string,
    page: { limit: number; offset: number },
  ): Promise<{ rows: Raw[]; total: number }> {
    const [{ total }]: { total: number }[] = await this.db.query(
      `SELECT count(*)::int AS total FROM ${table} WHERE company_id = $1`,
      [companyId],
    );
    const rows: Raw[] = await this.db.query(
      `SELECT * FROM ${table} WHERE company_id = $1 ORDER BY ${order} LIMIT $2 OFFSET $3`,
      [companyId, page.limit, page.offset],
    );
    return { rows, total };
  }

  private audit(
    m: EntityManager,
    companyId: string,
    actor: string,
    action: string,
    subjectId: string,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    return recordAlertChange(m, { companyId, actor, action, subjectId, before, after });
  }
}

/** Appends to the alerts' audit trail (alert_change) inside the caller's transaction. */
export async function recordAlertChange(
  m: EntityManager,
  change: {
    companyId: string;
    actor: string;
    action: string;
    subjectId: string;
    before: unknown;
    after: unknown;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO alert_change (company_id, changed_by, action, subject_id, before, after)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
    [
      change.companyId,
      change.actor,
      change.action,
      change.subjectId,
      change.before === null ? null : JSON.stringify(change.before),
      change.after === null ? null : JSON.stringify(change.after),
    ],
  );
}
