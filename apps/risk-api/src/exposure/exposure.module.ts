import { Module } from '@nestjs/common';
import { ExposureController } from './exposure.controller';

/** A customer's exposure (spec section 9): the projection, or the engine's live state while Postgres is away. */
@Module({
  controllers: [ExposureController],
})
export class ExposureModule {}
