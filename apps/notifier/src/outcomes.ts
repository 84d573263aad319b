import { customerKey, notificationEvent, NotificationEventType } from '@credit/contracts';
import { OutboundMessage } from '@credit/kafka';
import type { DeliveryRow } from '@credit/postgres';

/**
 * The risk.notifications messages of a delivery's final outcome: one for an
 * event's own delivery, one per gathered event for a digest (so each is keyed by
 * its customer, like every other output event).
 */
export function outcomeMessages(
  topic: string,
  type: NotificationEventType,
  delivery: DeliveryRow,
  attempts: number,
  at: Date,
  error: string | null,
  digestItems: DeliveryRow[] = [],
): OutboundMessage[] {
  const items = delivery.eventType === 'notification.digest' ? digestItems : [delivery];
  return items
    .filter((item) => item.customerId !== null)
    .map((item) => {
      const event = notificationEvent({
        type,
        occurredAt: at.toISOString(),
        companyId: item.companyId,
        customerId: item.customerId!,
        data: {
          deliveryId: item.deliveryId,
          subscriptionId: delivery.subscriptionId,
          channel: delivery.channel,
          sourceEventId: item.eventId,
          sourceEventType: item.eventType,
          attempts,
          ...(item !== delivery ? { digestDeliveryId: delivery.deliveryId } : {}),
          ...(error !== null ? { error: error.slice(0, 1000) } : {}),
        },
      });
      return {
        topic,
        key: customerKey(event.companyId, event.customerId),
        value: JSON.stringify(event),
        headers: {},
      };
    });
}
