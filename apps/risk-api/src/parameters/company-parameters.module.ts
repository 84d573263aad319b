import { Module } from '@nestjs/common';
import { CompanyParametersChangesRepository } from '@credit/postgres';
import { repository } from '../core/repository';
import { CompanyParametersController } from './company-parameters.controller';
import { CompanyParametersService } from './company-parameters.service';

/**
 * Company parameters: read from Redis, changed with an audit row in Postgres.
 * Exported: the dunning policy (collections) is a part of them, changed the same way.
 */
@Module({
  controllers: [CompanyParametersController],
  providers: [CompanyParametersService, repository(CompanyParametersChangesRepository)],
  exports: [CompanyParametersService],
})
export class CompanyParametersModule {}
