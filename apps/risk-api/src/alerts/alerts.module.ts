import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertsRepository, NotificationsRepository } from '@credit/postgres';
import { DATA_SOURCE } from '../tokens';
import { ALERT_CONTROLLERS } from './alerts.controllers';
import { AlertsService } from './alerts.service';

/**
 * Alerts (spec section 10): sales agents, subscriptions, the notifier's
 * deliveries and the users' inboxes. The notifier (apps/notifier) does the
 * sending; this module configures it and reads what it did.
 */
@Module({
  controllers: ALERT_CONTROLLERS,
  providers: [
    {
      provide: AlertsRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new AlertsRepository(db),
    },
    {
      provide: NotificationsRepository,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new NotificationsRepository(db),
    },
    AlertsService,
  ],
})
export class AlertsModule {}
