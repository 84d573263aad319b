import { Logger } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';

export interface MetricsOptions {
  /** Prefix of the default Node.js process metrics (heap, event loop lag, GC...), e.g. `exposure_engine_`. */
  prefix: string;
  /** Collect the default Node.js process metrics; default true. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for one probe (Redis, Postgres, Kafka admin) before giving up on it; default 2000 ms. */
  probeTimeoutMs?: number;
}

/** A labelled sample of a gauge read at scrape time. */
export interface LabelledValue<L extends string> {
  labels: Record<L, string | number>;
  value: number;
}

/** Seconds since `started` (a `performance.now()` reading). */
export const secondsSince = (started: number): number => (performance.now() - started) / 1000;

/** Buckets from 1 ms to 5 s: a fold batch, an outbox publish, an HTTP request. */
export const MS_TO_SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

/**
 * One app's metrics, in a registry of its own: never prom-client's global
 * default registry, so several app instances in one process (the integration
 * tests) do not clash. Gauges that mirror a queue or a lag are read at scrape
 * time by probes; a probe that fails or hangs never fails the scrape: its
 * series are dropped (labelled) or read NaN (unlabelled), and
 * `metrics_probe_failures_total{gauge}` counts it (seen from the next scrape).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');
  private readonly probeTimeoutMs: number;
  private readonly probeFailures: Counter<'gauge'>;
  private readonly closers: (() => Promise<void> | void)[] = [];

  constructor(options: MetricsOptions) {
    this.probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: options.prefix });
    }
    this.probeFailures = this.counter({
      name: 'metrics_probe_failures_total',
      help: 'Scrape-time probes (Redis, Postgres, Kafka admin) that failed or timed out, by gauge',
      labelNames: ['gauge'],
    });
  }

  /** The Content-Type of `render()` (Prometheus text exposition format). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format; runs the scrape-time probes. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Registers something to release on shutdown (e.g. a Kafka admin client used by a probe). */
  onClose(closer: () => Promise<void> | void): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    await Promise.all(this.closers.splice(0).map(async (close) => close()));
  }

  /** Nest lifecycle hook: the instance is a provider of the app. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  protected counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
    return new Counter<L>({ ...config, registers: [this.registry] });
  }

  protected histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
    return new Histogram<L>({ ...config, registers: [this.registry] });
  }

  /** A gauge set at scrape time from `probe`; NaN when the probe fails. */
  protected sampledGauge(name: string, help: string, probe: () => Promise<number>): Gauge {
    const read = () => this.probe(name, probe);
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const value = await read();
        this.set(value ?? Number.NaN);
      },
    });
  }

  /** A labelled gauge whose series are replaced at scrape time by what `probe` returns. */
  protected sampledLabelledGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    probe: () => Promise<LabelledValue<L>[]>,
  ): Gauge<L> {
    const read = () => this.probe(name, probe);
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const values = await read();
        this.reset();
        for (const { labels, value } of values ?? []) this.set(labels, value);
      },
    });
  }

  /** Runs a probe bounded by the timeout; undefined (and counted) when it fails. */
  private async probe<T>(gauge: string, probe: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.probeTimeoutMs} ms`)),
            this.probeTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.probeFailures.inc({ gauge });
      this.logger.warn(`${gauge}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
