import { Module } from '@nestjs/common';
import { ApiOutbox, CollectionsRepository } from '@credit/postgres';
import { CompanyParametersModule } from '../parameters/company-parameters.module';
import { API_OUTBOX } from '../tokens';
import { CollectionActionsController, WorklistController } from './collections.controller';
import { COLLECTIONS_REPOSITORY, CollectionsService } from './collections.service';
import { DunningPolicyController } from './dunning-policy.controller';

/**
 * Collections (spec section 12): the dunning policy (stored in the company
 * parameters), actions on collection cases, the case history and the
 * worklist. The engine owns the cases (it folds the actions and projects the
 * case onto customer_exposure); this module records the actions and reads the
 * projection.
 */
@Module({
  imports: [CompanyParametersModule],
  controllers: [CollectionActionsController, WorklistController, DunningPolicyController],
  providers: [
    {
      provide: COLLECTIONS_REPOSITORY,
      inject: [API_OUTBOX],
      useFactory: (outbox: ApiOutbox) => new CollectionsRepository(outbox),
    },
    CollectionsService,
  ],
})
export class CollectionsModule {}
