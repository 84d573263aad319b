import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '@credit/auth';
import { cachedFor, DependencyCheck, HealthReport, withinTimeout } from './health';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** How long one readiness answer serves: a storm of probes costs one round of checks per second. */
const READINESS_TTL_MS = 1000;
/** A dependency that has not answered within this is down. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * What a module serving HealthController imports: terminus, without its own
 * error log (the controller logs a dependency once when it goes down).
 */
export const HealthImports = () => TerminusModule.forRoot({ logger: false });

/** Terminus's result in the report the probes have always read: each dependency up or down, with its latency. */
function reportOf(result: HealthCheckResult): HealthReport {
  const checks: HealthReport['checks'] = {};
  for (const [name, detail] of Object.entries(result.details)) {
    checks[name] = {
      status: detail.status === 'up' ? 'up' : 'down',
      latencyMs: Number((detail as { latencyMs?: unknown }).latencyMs ?? 0),
    };
  }
  return { status: result.status === 'ok' ? 'ok' : 'unavailable', checks };
}

/**
 * Liveness and readiness, without a token, through @nestjs/terminus: each
 * dependency of the process (HEALTH_CHECKS: what its role uses) is a terminus
 * health indicator.
 *
 * - `GET /health/live`: 200 while the process serves HTTP; touches no dependency,
 *   so an orchestrator restarts the app only when the app itself is stuck.
 * - `GET /health/ready` (and `GET /health`, kept for existing probes): 200 when
 *   every dependency answers within 2 s, 503 otherwise and while the app shuts
 *   down; each dependency only `up` or `down`. Why one is down goes to the log,
 *   once when it goes down.
 */
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private down = new Set<string>();
  private readonly readiness: () => Promise<HealthReport>;

  constructor(
    @Inject(HEALTH_CHECKS) checks: Record<string, DependencyCheck>,
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.readiness = cachedFor(READINESS_TTL_MS, async () => {
      const downNow = new Set<string>();
      const report = await this.check(checks, (dependency, error) => {
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

  private async check(
    checks: Record<string, DependencyCheck>,
    onDown: (dependency: string, error: string) => void,
  ): Promise<HealthReport> {
    const indicators = Object.entries(checks).map(
      ([name, check]) =>
        async (): Promise<HealthIndicatorResult> => {
          const indicator = this.indicators.check(name);
          const started = Date.now();
          try {
            await withinTimeout(check(), CHECK_TIMEOUT_MS);
            return indicator.up({ latencyMs: Date.now() - started });
          } catch (error) {
            onDown(name, error instanceof Error ? error.message : String(error));
            return indicator.down({ latencyMs: Date.now() - started });
          }
        },
    );
    try {
      return reportOf(await this.terminus.check(indicators));
    } catch (error) {
      // Terminus answers a failed check (or one during shutdown) with a 503 carrying the result.
      if (error instanceof ServiceUnavailableException) {
        return reportOf(error.getResponse() as HealthCheckResult);
      }
      throw error;
    }
  }

  @Get('live')
  async live(): Promise<{ status: 'ok' }> {
    // No indicator: terminus answers ok while the process serves HTTP.
    await this.terminus.check([]);
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
