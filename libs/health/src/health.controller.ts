import { Controller, Get, Inject, Logger, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@credit/auth';
import { cachedFor, checkHealth, DependencyCheck, HealthReport } from './health';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** How long one readiness answer serves: a storm of probes costs one round of checks per second. */
const READINESS_TTL_MS = 1000;

/**
 * Liveness and readiness, without a token.
 *
 * - `GET /health/live`: 200 while the process serves HTTP; touches no dependency,
 *   so an orchestrator restarts the app only when the app itself is stuck.
 * - `GET /health/ready` (and `GET /health`, kept for existing probes): 200 when
 *   Kafka, Redis and Postgres all answer, 503 otherwise; each dependency only
 *   `up` or `down`. Why one is down goes to the log, once when it goes down.
 */
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private down = new Set<string>();
  private readonly readiness: () => Promise<HealthReport>;

  constructor(@Inject(HEALTH_CHECKS) checks: Record<string, DependencyCheck>) {
    this.readiness = cachedFor(READINESS_TTL_MS, async () => {
      const downNow = new Set<string>();
      const report = await checkHealth(checks, 2000, (dependency, error) => {
        downNow.add(dependency);
        if (!this.down.has(dependency)) this.logger.warn(`${dependency} is down: ${error}`);
      });
      for (const dependency of this.down) {
        if (!downNow.has(dependency)) this.logger.log(`${dependency} answers again`);
      }
      this.down = downNow;
      return report;
    });
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() response: Response): Promise<void> {
    const report = await this.readiness();
    response.status(report.status === 'ok' ? 200 : 503).json(report);
  }

  /** The readiness probe under its first name. */
  @Get()
  health(@Res() response: Response): Promise<void> {
    return this.ready(response);
  }
}
