import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@credit/infrastructure';
import { ProjectionQuarantine } from '@credit/postgres';
import { PROJECTION_QUARANTINE } from '../tokens';
import { ProjectionQuarantineController } from './projection-quarantine.controller';

/** The customers the engine's projector skipped, for an administrator to look at. */
@Module({
  controllers: [ProjectionQuarantineController],
  providers: [
    {
      provide: PROJECTION_QUARANTINE,
      inject: [DATA_SOURCE],
      useFactory: (db: DataSource) => new ProjectionQuarantine(db),
    },
  ],
})
export class ProjectionQuarantineModule {}
