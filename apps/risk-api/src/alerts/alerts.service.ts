import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { Principal } from '@credit/auth';
import {
  AlertsRepository,
  AttemptRow,
  DeliveryRow,
  NotificationsRepository,
  SalesAgentRow,
  SubscriptionFilter,
  SubscriptionRow,
} from '@credit/postgres';
import { Page } from '../http/paging';
import {
  AlertChangeDto,
  InboxEntryDto,
  NotificationDto,
  NotificationsQuery,
  PutSalesAgentBody,
  PutSubscriptionBody,
  SalesAgentDto,
  SubscriptionDto,
} from './alerts.dto';

type PageRequest = { limit: number; offset: number };

const agentDto = (row: SalesAgentRow): SalesAgentDto => ({
  companyId: row.companyId,
  agentId: row.agentId,
  name: row.name,
  email: row.email,
  updatedBy: row.updatedBy,
  updatedAt: row.updatedAt.toISOString(),
});

/** A subscription as the API shows it: the secret never, only whether there is one. */
const subscriptionDto = (row: SubscriptionRow): SubscriptionDto => ({
  companyId: row.companyId,
  subscriptionId: row.subscriptionId,
  channel: row.channel,
  target: row.target,
  eventTypes: row.eventTypes,
  filter: row.filter,
  digest: row.digest,
  hasSecret: row.secret !== null,
  enabled: row.enabled,
  updatedBy: row.updatedBy,
  updatedAt: row.updatedAt.toISOString(),
});

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

const notificationDto = (row: DeliveryRow, attempts: AttemptRow[]): NotificationDto => ({
  deliveryId: row.deliveryId,
  companyId: row.companyId,
  subscriptionId: row.subscriptionId,
  eventId: row.eventId,
  eventType: row.eventType,
  customerId: row.customerId,
  customerName: row.customerName,
  channel: row.channel,
  recipient: row.recipient,
  status: row.status,
  digestDate: row.digestDate,
  digestDeliveryId: row.digestId,
  createdAt: row.createdAt.toISOString(),
  nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  attemptCount: row.attemptCount,
  lastError: row.lastError,
  deliveredAt: iso(row.deliveredAt),
  attempts: attempts
    .filter((a) => a.deliveryId === row.deliveryId)
    .map((a) => ({
      attemptNo: a.attemptNo,
      attemptedAt: a.attemptedAt.toISOString(),
      outcome: a.outcome,
      detail: a.detail,
    })),
});

const inboxEntryDto = (row: DeliveryRow): InboxEntryDto => ({
  deliveryId: row.deliveryId,
  companyId: row.companyId,
  customerId: row.customerId,
  customerName: row.customerName,
  eventType: row.eventType,
  eventId: row.eventId,
  event: row.payload === '' ? null : (JSON.parse(row.payload) as unknown),
  createdAt: row.createdAt.toISOString(),
  readAt: iso(row.readAt),
});

/** Only the conditions given; an empty filter matches every event of the subscribed types. */
const filterOf = (body: PutSubscriptionBody['filter']): SubscriptionFilter =>
  Object.fromEntries(Object.entries(body ?? {}).filter(([, value]) => value !== undefined));

/** Sales agents, subscriptions, deliveries and inboxes: the rules of section 10 over their repositories. */
@Injectable()
export class AlertsService {
  constructor(
    @Inject(AlertsRepository) private readonly alerts: AlertsRepository,
    @Inject(NotificationsRepository) private readonly notifications: NotificationsRepository,
  ) {}

  async agents(companyId: string, page: PageRequest): Promise<Page<SalesAgentDto>> {
    const { rows, total } = await this.alerts.agents(companyId, page);
    return { items: rows.map(agentDto), total, ...page };
  }

  async agent(companyId: string, agentId: string): Promise<SalesAgentDto> {
    const row = await this.alerts.agent(companyId, agentId);
    if (row === undefined)
      throw new NotFoundException(`sales agent ${agentId} does not exist in company ${companyId}`);
    return agentDto(row);
  }

  async putAgent(
    companyId: string,
    agentId: string,
    body: PutSalesAgentBody,
    actor: string,
  ): Promise<{ agent: SalesAgentDto; created: boolean }> {
    const { agent, created } = await this.alerts.putAgent(
      companyId,
      agentId,
      { name: body.name.trim(), email: body.email },
      actor,
    );
    return { agent: agentDto(agent), created };
  }

  async deleteAgent(companyId: string, agentId: string, actor: string): Promise<void> {
    if (!(await this.alerts.deleteAgent(companyId, agentId, actor)))
      throw new NotFoundException(`sales agent ${agentId} does not exist in company ${companyId}`);
  }

  async subscriptions(companyId: string, page: PageRequest): Promise<Page<SubscriptionDto>> {
    const { rows, total } = await this.alerts.subscriptions(companyId, page);
    return { items: rows.map(subscriptionDto), total, ...page };
  }

  async subscription(companyId: string, subscriptionId: string): Promise<SubscriptionDto> {
    const row = await this.alerts.subscription(companyId, subscriptionId);
    if (row === undefined)
      throw new NotFoundException(`subscription ${subscriptionId} does not exist in company ${companyId}`);
    return subscriptionDto(row);
  }

  /**
   * Creates or replaces a subscription. A webhook needs a secret: given now, or
   * kept from the webhook subscription it replaces; other channels take none.
   */
  async putSubscription(
    companyId: string,
    subscriptionId: string,
    body: PutSubscriptionBody,
    actor: string,
  ): Promise<{ subscription: SubscriptionDto; created: boolean }> {
    let secret: string | null = null;
    if (body.channel === 'webhook') {
      const existing = body.secret ?? (await this.alerts.subscription(companyId, subscriptionId))?.secret;
      if (!existing)
        throw new BadRequestException(
          'secret is required for a webhook subscription (at least 16 characters, the key of X-Credit-Signature)',
        );
      secret = existing;
    } else if (body.secret !== undefined) {
      throw new BadRequestException('secret is only accepted for the webhook channel');
    }
    const { subscription, created } = await this.alerts.putSubscription(
      companyId,
      subscriptionId,
      {
        channel: body.channel,
        target: body.target,
        eventTypes: body.eventTypes,
        filter: filterOf(body.filter),
        digest: body.digest ?? 'immediate',
        secret,
        enabled: body.enabled,
      },
      actor,
    );
    return { subscription: subscriptionDto(subscription), created };
  }

  async deleteSubscription(companyId: string, subscriptionId: string, actor: string): Promise<void> {
    if (!(await this.alerts.deleteSubscription(companyId, subscriptionId, actor)))
      throw new NotFoundException(`subscription ${subscriptionId} does not exist in company ${companyId}`);
  }

  async changes(companyId: string, page: PageRequest): Promise<Page<AlertChangeDto>> {
    const { rows, total } = await this.alerts.changes(companyId, page);
    return {
      items: rows.map((row) => ({ ...row, changedAt: row.changedAt.toISOString() })),
      total,
      ...page,
    };
  }

  async deliveries(
    companyId: string,
    query: NotificationsQuery,
    page: PageRequest,
  ): Promise<Page<NotificationDto>> {
    const { rows, attempts, total } = await this.notifications.list(companyId, {
      status: query.status,
      subscriptionId: query.subscriptionId,
      ...page,
    });
    return { items: rows.map((row) => notificationDto(row, attempts)), total, ...page };
  }

  /** Puts a failed delivery back in the notifier's queue: it is sent again at once. */
  async retry(companyId: string, deliveryId: string, actor: string): Promise<NotificationDto> {
    const outcome = await this.notifications.retry(companyId, deliveryId, actor);
    if (outcome === 'not-found')
      throw new NotFoundException(`notification ${deliveryId} does not exist in company ${companyId}`);
    if (outcome === 'not-failed')
      throw new ConflictException(`notification ${deliveryId} has not failed: only failed ones are re-sent`);
    return notificationDto(outcome, await this.notifications.attemptsOf([outcome.deliveryId]));
  }

  async inbox(
    principal: Principal,
    unread: boolean | undefined,
    page: PageRequest,
  ): Promise<Page<InboxEntryDto> & { unread: number }> {
    const {
      rows,
      total,
      unread: unreadCount,
    } = await this.notifications.inbox(principal.subject, principal.companies, { unread, ...page });
    return { items: rows.map(inboxEntryDto), total, unread: unreadCount, ...page };
  }

  async markRead(principal: Principal, deliveryId: string): Promise<InboxEntryDto> {
    const row = await this.notifications.markRead(principal.subject, principal.companies, deliveryId);
    if (row === undefined) throw new NotFoundException(`inbox entry ${deliveryId} does not exist`);
    return inboxEntryDto(row);
  }
}
