import { Module } from '@nestjs/common';
import { REPORT_CONTROLLERS, ReportsRepository } from './index';

/** Reports over the engine's reporting projections, as JSON pages and CSV exports. */
@Module({
  controllers: [...REPORT_CONTROLLERS],
  providers: [ReportsRepository],
})
export class ReportsModule {}
