import { customerKey } from '@credit/contracts';
import { Logger } from '@nestjs/common';
import { NotifierSettings } from '@credit/config';
import { businessDateAt, Clock, CustomerRecord } from '@credit/domain';
import { InboundBatch } from '@credit/kafka';
import {
  AlertsRepository,
  DeliveryRow,
  NewDelivery,
  NotificationsRepository,
  SalesAgentRow,
} from '@credit/postgres';

import {
  CustomerContext,
  NotifiedEvent,
  parseNotifiedEvent,
  recipientOf,
  subscriptionMatches,
} from './alert-rules';
import { outcomeMessages } from './outcomes';

/** An output event as read: parsed, and its JSON exactly as published (what a webhook receives). */
interface Received {
  event: NotifiedEvent;
  raw: string;
}

/** The engine's live record of a customer (LiveRecords), or null when it has none. */
export type CustomerRecords = (key: string) => Promise<CustomerRecord | null>;

const contextOf = (record: CustomerRecord | null): CustomerContext => ({
  name: record?.documents.profile?.name ?? null,
  salesAgentId: record?.documents.profile?.salesAgentId ?? null,
  riskClass: record?.assessment?.riskClass ?? null,
  total: record?.assessment?.total ?? null,
  limitAmount: record?.assessment?.limitAmount ?? null,
});

/**
 * Turns the output events of a batch into deliveries: one per matching
 * subscription, created with the partition's new position in one transaction.
 * Messages below the recorded position (redelivered after a crash or a
 * rebalance) are skipped; an event seen again at another offset (the engine
 * republished it) is absorbed by the unique (subscription, eventId).
 */
export class Intake {
  private readonly logger = new Logger('NotifierIntake');

  constructor(
    private readonly settings: NotifierSettings,
    private readonly alerts: AlertsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly records: CustomerRecords,
    private readonly clock: Clock,
    private readonly onCreated: () => void,
  ) {}

  async handle(batch: InboundBatch): Promise<'folded'> {
    const from = await this.notifications.nextOffset(this.settings.groupId, batch.topic, batch.partition);
    const fresh = batch.messages.filter((m) => from === null || BigInt(m.offset) >= from);
    if (fresh.length === 0) return 'folded';
    const events: Received[] = [];
    for (const message of fresh) {
      const event = parseNotifiedEvent(message.value);
      if (event === null) {
        this.logger.warn(
          `${message.topic}/${message.partition}@${message.offset} is not an output event: skipped`,
        );
        continue;
      }
      events.push({ event, raw: message.value!.toString('utf8') });
    }
    const deliveries = await this.deliveriesOf(events);
    const now = this.clock.now();
    const created = await this.notifications.recordBatch(
      {
        groupId: this.settings.groupId,
        topic: batch.topic,
        partition: batch.partition,
        nextOffset: BigInt(fresh[fresh.length - 1].offset) + 1n,
      },
      deliveries,
      (rows) => rows.flatMap((row) => this.finalOutcome(row, now)),
    );
    if (created.some((d) => d.status === 'pending')) this.onCreated();
    return 'folded';
  }

  /** Inbox entries are delivered when written; a sales-agent delivery with no agent e-mail fails at once. */
  private finalOutcome(row: DeliveryRow, now: Date) {
    const topic = this.settings.kafka.topics.notifications;
    if (row.status === 'delivered')
      return outcomeMessages(topic, 'notification.delivered', row, 0, now, null);
    if (row.status === 'failed')
      return outcomeMessages(topic, 'notification.failed', row, 0, now, row.lastError);
    return [];
  }

  private async deliveriesOf(received: Received[]): Promise<NewDelivery[]> {
    if (received.length === 0) return [];
    const companies = [...new Set(received.map(({ event }) => event.companyId))];
    const subscriptions = await this.alerts.enabledSubscriptionsOf(companies);
    if (subscriptions.length === 0) return [];
    const wanted = received.filter(({ event }) =>
      subscriptions.some((s) => s.companyId === event.companyId && s.eventTypes.includes(event.type)),
    );
    const agents = new Map<string, SalesAgentRow>();
    if (subscriptions.some((s) => s.target === 'sales-agent'))
      for (const agent of await this.alerts.agentsOf(companies))
        agents.set(`${agent.companyId}:${agent.agentId}`, agent);
    const contexts = new Map<string, CustomerContext>();
    for (const key of new Set(wanted.map(({ event }) => customerKey(event.companyId, event.customerId))))
      contexts.set(key, contextOf(await this.records(key)));

    const now = this.clock.now();
    const today = businessDateAt(now, this.settings.defaultTimeZone);
    const deliveries: NewDelivery[] = [];
    for (const { event, raw } of wanted) {
      const context = contexts.get(customerKey(event.companyId, event.customerId))!;
      for (const subscription of subscriptions) {
        if (subscription.companyId !== event.companyId || !subscriptionMatches(subscription, event, context))
          continue;
        const where = recipientOf(subscription, context, agents);
        const inbox = subscription.channel === 'inbox';
        const daily = subscription.digest === 'daily';
        const status = 'problem' in where ? 'failed' : daily ? 'queued' : inbox ? 'delivered' : 'pending';
        deliveries.push({
          companyId: event.companyId,
          subscriptionId: subscription.subscriptionId,
          eventId: event.eventId,
          customerId: event.customerId,
          customerName: context.name,
          eventType: event.type,
          channel: subscription.channel,
          recipient: 'problem' in where ? subscription.target : where.recipient,
          status,
          digestDate: daily ? today : null,
          payload: raw,
          createdAt: now,
          nextAttemptAt: status === 'pending' ? now : null,
          lastError: 'problem' in where ? where.problem : null,
          deliveredAt: status === 'delivered' ? now : null,
        });
      }
    }
    return deliveries;
  }
}
