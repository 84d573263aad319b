import { Module } from '@nestjs/common';
import { CreditLimitChangesRepository } from '@credit/postgres';
import { repository } from '../core/repository';
import { LimitRequestsController } from '../limit-requests/limit-requests.controller';
import { CreditLimitsController } from './credit-limits.controller';
import { CreditLimitsService } from './credit-limits.service';

/**
 * Credit limits set through the API, and the four-eyes requests (limit-requests/)
 * of those who lack the authority: one service decides both.
 */
@Module({
  controllers: [CreditLimitsController, LimitRequestsController],
  providers: [CreditLimitsService, repository(CreditLimitChangesRepository)],
})
export class CreditLimitsModule {}
