import { Module } from '@nestjs/common';
import { LimitProposalController } from './limit-proposal.controller';
import { LimitProposalService } from './limit-proposal.service';

/** The proposed credit limit of a customer (spec section 11). */
@Module({
  controllers: [LimitProposalController],
  providers: [LimitProposalService],
})
export class LimitProposalModule {}
