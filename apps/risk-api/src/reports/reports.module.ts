import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@credit/infrastructure';
import { ReportsRepository } from '@credit/postgres';
import { EXPORT_DATA_SOURCE } from '../tokens';
import { REPORT_CONTROLLERS } from './index';

/** Reports over the engine's reporting projections, as JSON pages and CSV exports. */
@Module({
  controllers: [...REPORT_CONTROLLERS],
  providers: [
    {
      provide: ReportsRepository,
      inject: [DATA_SOURCE, EXPORT_DATA_SOURCE],
      useFactory: (db: DataSource, exportDb: DataSource) => new ReportsRepository(db, exportDb),
    },
  ],
})
export class ReportsModule {}
