import { Module } from '@nestjs/common';
import { CreditChecksController } from './credit-checks.controller';
import { CreditChecksService } from './credit-checks.service';

/** The synchronous credit check (spec section 6): decides from the live state, holds and queues its outcome. */
@Module({
  controllers: [CreditChecksController],
  providers: [CreditChecksService],
})
export class CreditChecksModule {}
