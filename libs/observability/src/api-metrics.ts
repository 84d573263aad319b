import { Gauge, Histogram } from 'prom-client';
import { Metrics, MetricsOptions, MS_TO_SECONDS_BUCKETS, secondsSince } from './metrics';

/** What the API's gauges read at scrape time. */
export interface ApiProbes {
  /** Rows of the API outbox not yet published. */
  outboxBacklog(): Promise<number>;
}

/** Finer at the low end, around the 15 ms target of the credit check. */
const CREDIT_CHECK_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const;

/** The route label of a request no route matched (unknown paths must not create series). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The parts of an Express request and response the HTTP middleware reads. */
interface HttpRequestLike {
  method: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
interface HttpResponseLike {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/** The risk API's instruments (see docs/performance.md, "Metrics"). */
export class ApiMetrics extends Metrics {
  readonly httpRequestSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly creditCheckSeconds: Histogram<'decision'>;
  readonly outboxBacklog: Gauge;

  constructor(probes: Partial<ApiProbes> = {}, options: MetricsOptions = { prefix: 'risk_api_' }) {
    super(options);
    this.httpRequestSeconds = this.histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern (never the raw URL) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [...MS_TO_SECONDS_BUCKETS],
    });
    this.creditCheckSeconds = this.histogram({
      name: 'credit_check_seconds',
      help: 'Synchronous credit checks by decision (ALLOW, WARN, HOLD; error when it failed), in the handler',
      labelNames: ['decision'],
      buckets: [...CREDIT_CHECK_BUCKETS],
    });
    const outboxBacklog = probes.outboxBacklog ?? (async () => Number.NaN);
    this.outboxBacklog = this.sampledGauge(
      'api_outbox_backlog',
      'Rows of the API outbox not yet published to Kafka, read at scrape time',
      outboxBacklog,
    );
  }

  /**
   * Express middleware timing every request until its response is sent (or the
   * client went away: status `aborted`), labelled with the route pattern
   * Express matched, e.g. `/v1/companies/:companyId/customers/:customerId/exposure`,
   * or `unmatched`. Register it before the routes.
   */
  httpMiddleware(): (request: HttpRequestLike, response: HttpResponseLike, next: () => void) => void {
    return (request, response, next) => {
      const started = performance.now();
      let recorded = false;
      const record = (finished: boolean) => {
        if (recorded) return;
        recorded = true;
        this.httpRequestSeconds.observe(
          {
            method: request.method,
            route: routeOf(request),
            status: finished ? String(response.statusCode) : 'aborted',
          },
          secondsSince(started),
        );
      };
      response.once('finish', () => record(true));
      response.once('close', () => record(false));
      next();
    };
  }

  /** Runs one credit check and observes its duration under its decision (`error` when it threw). */
  async timeCreditCheck<T extends { decision: string }>(check: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let decision = 'error';
    try {
      const result = await check();
      decision = result.decision;
      return result;
    } finally {
      this.creditCheckSeconds.observe({ decision }, secondsSince(started));
    }
  }
}

function routeOf(request: HttpRequestLike): string {
  const path = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}
