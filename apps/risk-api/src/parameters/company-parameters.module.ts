import { Module } from '@nestjs/common';
import { CompanyParametersChangesRepository } from '@credit/postgres';
import { repository } from '../core/repository';
import { CompanyParametersController } from './company-parameters.controller';
import { CompanyParametersService } from './company-parameters.service';

/** Company parameters: read from Redis, changed with an audit row in Postgres. */
@Module({
  controllers: [CompanyParametersController],
  providers: [CompanyParametersService, repository(CompanyParametersChangesRepository)],
})
export class CompanyParametersModule {}
