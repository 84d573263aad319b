import { Module } from '@nestjs/common';
import { ManualBlockController } from './manual-block.controller';
import { ManualBlockService } from './manual-block.service';

/** A customer's manual block (spec section 11). */
@Module({
  controllers: [ManualBlockController],
  providers: [ManualBlockService],
})
export class ManualBlockModule {}
