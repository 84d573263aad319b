import { DynamicModule, Module } from '@nestjs/common';
import { ApiSettings } from '@credit/config';
import { AuthModule } from '@credit/auth';
import { InfrastructureModule } from '@credit/infrastructure';
import { AlertsModule } from './alerts/alerts.module';
import { ApprovalRolesModule } from './approval-roles/approval-roles.module';
import { ApiCoreModule } from './core/api-core.module';
import { CollectionsModule } from './collections/collections.module';
import { CreditChecksModule } from './credit-checks/credit-checks.module';
import { CreditClassesModule } from './credit-classes/credit-classes.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeskModule } from './desk/desk.module';
import { ExposureModule } from './exposure/exposure.module';
import { HoldsModule } from './holds/holds.module';
import { RATE_LIMIT_GUARD, rateLimitModule } from './http';
import { CreditLimitsModule } from './limits/credit-limits.module';
import { ManualBlockModule } from './manual-block/manual-block.module';
import { MeModule } from './me/me.module';
import { CompanyParametersModule } from './parameters/company-parameters.module';
import { LimitProposalModule } from './proposal/limit-proposal.module';
import { ProjectionQuarantineModule } from './quarantine/projection-quarantine.module';
import { ReportsModule } from './reports/reports.module';

/**
 * The risk API: the shared connections (InfrastructureModule, libs/infrastructure),
 * what its features share (ApiCoreModule: settings, outbox, Redis state, shared
 * repositories, metrics), authentication and rate limiting, then one module per
 * feature with its controllers, services and own repositories. A new feature
 * adds its module here (docs/api.md, "Conventions").
 */
@Module({})
export class ApiModule {
  static forRoot(settings: ApiSettings): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        InfrastructureModule.forRoot({
          kafka: settings.kafka,
          redis: settings.redis,
          postgres: settings.postgres,
          processName: { kafka: 'api', redis: 'risk-api' },
          redisAutoPipelining: true,
          connectPostgresAtStart: true,
        }),
        ApiCoreModule.forRoot(settings),
        AuthModule.forRoot({ jwtSecret: settings.jwtSecret, ...settings.tokenPolicy }),
        rateLimitModule(settings.rateLimit),
        MeModule,
        ExposureModule,
        CreditChecksModule,
        HoldsModule,
        ApprovalRolesModule,
        CreditLimitsModule,
        LimitProposalModule,
        CreditClassesModule,
        ManualBlockModule,
        CompanyParametersModule,
        ReportsModule,
        ProjectionQuarantineModule,
        AlertsModule,
        CollectionsModule,
        DeadLettersModule.forRoot(settings),
        DeskModule.forRoot(settings),
      ],
      providers: [RATE_LIMIT_GUARD],
    };
  }
}
