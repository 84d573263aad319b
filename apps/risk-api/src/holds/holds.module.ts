import { Module } from '@nestjs/common';
import { HoldsController } from './holds.controller';
import { HoldsService } from './holds.service';

/** Holds and their release or rejection by an approver with the authority to decide them. */
@Module({
  controllers: [HoldsController],
  providers: [HoldsService],
})
export class HoldsModule {}
