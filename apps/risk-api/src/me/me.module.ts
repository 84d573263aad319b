import { Module } from '@nestjs/common';
import { MeController } from './me.controller';

/** Who the caller is: their roles and companies, for the desk. */
@Module({
  controllers: [MeController],
})
export class MeModule {}
