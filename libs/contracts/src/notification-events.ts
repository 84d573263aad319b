import { outputEventId } from './output-events';
import { NOTIFICATION_CHANNELS, NotificationEventType } from './schemas';

export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export interface NotificationOutcomeData {
  deliveryId: string;
  subscriptionId: string;
  channel: NotificationChannel;
  sourceEventId: string;
  sourceEventType: string;
  attempts: number;
  digestDeliveryId?: string;
  error?: string;
}

/** An outcome on risk.notifications: notification.delivered or notification.failed. */
export interface NotificationEvent {
  eventId: string;
  type: NotificationEventType;
  schemaVersion: 1;
  occurredAt: string;
  companyId: string;
  customerId: string;
  causationId: string;
  data: NotificationOutcomeData;
}

/**
 * The outcome of one delivery. Its eventId (outputEventId) derives from the
 * customer, the delivery, the outcome and the attempt count, so a failed
 * delivery re-sent by the retry route and then delivered publishes a second,
 * distinct event.
 */
export function notificationEvent(params: {
  type: NotificationEventType;
  occurredAt: string;
  companyId: string;
  customerId: string;
  data: NotificationOutcomeData;
}): NotificationEvent {
  const { type, occurredAt, companyId, customerId, data } = params;
  return {
    eventId: outputEventId(companyId, customerId, data.deliveryId, type, String(data.attempts)),
    type,
    schemaVersion: 1,
    occurredAt,
    companyId,
    customerId,
    causationId: data.sourceEventId,
    data,
  };
}
