import { Logger } from '@nestjs/common';
import { AlertLanguage, NotifierSettings } from '@credit/config';
import { businessDateAt, Clock } from '@credit/domain';
import { AlertsRepository, DeliveryRow, NotificationsRepository } from '@credit/postgres';
import { parseNotifiedEvent, retryDelayMs } from './alert-rules';
import { Mailer, postWebhook } from './channels';
import { digestEmail, eventEmail, EventItem } from './messages';
import { outcomeMessages } from './outcomes';

/** Deliveries claimed per step. */
const CLAIM_BATCH = 100;

/**
 * Sends the due deliveries (and closes the daily digests first). A delivery is
 * claimed with a lease, sent, and its attempt recorded with what comes next: a
 * failure waits for an exponential back-off and is retried until its retry
 * period is over, then it is failed; the retry route puts it back.
 */
export class Dispatcher {
  private readonly logger = new Logger('NotifierDispatcher');
  private readonly leaseMs: number;

  constructor(
    private readonly settings: NotifierSettings,
    private readonly alerts: AlertsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {
    this.leaseMs = settings.sendTimeoutMs * 3 + 5_000;
  }

  /** One round: digests of past days, then up to a batch of due deliveries. True when more may be due. */
  async step(): Promise<boolean> {
    const now = this.clock.now();
    await this.notifications.closeDigests(businessDateAt(now, this.settings.defaultTimeZone), now);
    const due = await this.notifications.claimDue(now, this.leaseMs, CLAIM_BATCH);
    const queue = [...due];
    const worker = async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) await this.deliver(delivery);
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, queue.length) }, worker));
    return due.length === CLAIM_BATCH;
  }

  private languageOf(companyId: string): AlertLanguage {
    return this.settings.companyLanguages[companyId] ?? this.settings.language;
  }

  private async deliver(delivery: DeliveryRow): Promise<void> {
    const items =
      delivery.eventType === 'notification.digest'
        ? await this.notifications.digestItems(delivery.deliveryId)
        : [];
    let outcome: { ok: true; detail: string } | { ok: false; detail: string; final: boolean };
    try {
      outcome = { ok: true, detail: await this.send(delivery, items) };
    } catch (error) {
      outcome = { ok: false, detail: (error as Error).message, final: error instanceof FinalError };
    }
    const at = this.clock.now();
    const retryUntil = delivery.retryUntil ?? new Date(at.getTime() + this.settings.retryPeriodMs);
    const topic = this.settings.kafka.topics.notifications;
    if (outcome.ok) {
      await this.notifications.recordAttempt(
        delivery,
        { at, outcome: 'delivered', detail: outcome.detail },
        { status: 'delivered', nextAttemptAt: null, retryUntil },
        (attempts) => outcomeMessages(topic, 'notification.delivered', delivery, attempts, at, null, items),
      );
      return;
    }
    const next = new Date(
      at.getTime() +
        retryDelayMs(
          delivery.attemptCount + 1,
          this.settings.retryInitialDelayMs,
          this.settings.retryMaxDelayMs,
        ),
    );
    const failed = outcome.final || next > retryUntil;
    const error = outcome.detail;
    this.logger.warn(
      `delivery ${delivery.deliveryId} (${delivery.channel}): ${error}${failed ? '; failed' : ''}`,
    );
    await this.notifications.recordAttempt(
      delivery,
      { at, outcome: 'error', detail: error },
      failed
        ? { status: 'failed', nextAttemptAt: null, retryUntil }
        : { status: 'pending', nextAttemptAt: next, retryUntil },
      (attempts) =>
        failed ? outcomeMessages(topic, 'notification.failed', delivery, attempts, at, error, items) : [],
    );
  }

  /** Sends once; resolves with what the receiver answered, throws why not. */
  private async send(delivery: DeliveryRow, digestItems: DeliveryRow[]): Promise<string> {
    const subscription = await this.alerts.subscription(delivery.companyId, delivery.subscriptionId);
    if (subscription === undefined) throw new FinalError('the subscription was deleted');
    const digest = delivery.eventType === 'notification.digest';
    const rows = digest ? digestItems : [delivery];
    switch (delivery.channel) {
      case 'inbox':
        // An inbox digest is the row itself: written is delivered.
        return 'inbox';
      case 'webhook': {
        if (subscription.secret === null) throw new FinalError('the webhook subscription has no secret');
        const body = digest
          ? JSON.stringify({
              type: 'notification.digest',
              companyId: delivery.companyId,
              subscriptionId: delivery.subscriptionId,
              date: delivery.digestDate,
              events: rows.map((r) => JSON.parse(r.payload) as unknown),
            })
          : delivery.payload;
        return postWebhook(
          delivery.recipient,
          body,
          { eventId: delivery.eventId, secret: subscription.secret },
          this.settings.sendTimeoutMs,
        );
      }
      case 'email': {
        const language = this.languageOf(delivery.companyId);
        const items: EventItem[] = rows.flatMap((r) => {
          const event = parseNotifiedEvent(Buffer.from(r.payload, 'utf8'));
          return event === null ? [] : [{ event, customerName: r.customerName }];
        });
        const message = digest
          ? digestEmail(language, delivery.digestDate ?? '', items, this.settings.deskBaseUrl)
          : eventEmail(language, items[0], this.settings.deskBaseUrl);
        // The Message-ID is the delivery's (subscription and event): a re-send after a crash mid-send is
        // recognisably the same message, which mail clients show once.
        return this.mailer.send(delivery.recipient, message, {
          'Message-ID': `<${encodeURIComponent(delivery.eventId)}.${delivery.subscriptionId}.${delivery.companyId}@credit-exposure>`,
          'X-Credit-Event-Id': delivery.eventId,
        });
      }
    }
  }
}

/** A failure that no retry can mend (the subscription is gone): the delivery fails at once. */
class FinalError extends Error {}
