import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@credit/auth';
import { checkHealth, DependencyCheck } from './health';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** `GET /health`: 200 when Kafka, Redis and Postgres all answer, 503 otherwise, with each check's result. */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: Record<string, DependencyCheck>) {}

  @Get()
  async health(@Res() response: Response): Promise<void> {
    const report = await checkHealth(this.checks);
    response.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
