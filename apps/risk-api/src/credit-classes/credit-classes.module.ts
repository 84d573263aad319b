import { Module } from '@nestjs/common';
import { CreditClassesController } from './credit-classes.controller';
import { CreditClassesService } from './credit-classes.service';

/** Credit classes and their assignment to customers (spec section 11). */
@Module({
  controllers: [CreditClassesController],
  providers: [CreditClassesService],
})
export class CreditClassesModule {}
