import { Logger } from '@nestjs/common';

export interface BackgroundLoopOptions {
  /**
   * How long a wake-up waits before the step runs, so that wake-ups close
   * together are served by one step (one batch) rather than one step each.
   */
  lingerMs?: number;
  logger?: Logger;
}

/**
 * A loop that runs `step` until stopped. A step returns true when it found work
 * (run again at once) and false when idle (sleep, unless woken). A wake-up
 * that arrives while a step runs is kept: the loop runs again after it rather
 * than sleeping. Errors are retried with a back-off, so a dependency that is
 * down only delays: the first failure of a run is logged at warn, the repeats
 * at debug (a Postgres outage is not pages of the same line), and the recovery
 * once, with how many steps failed.
 */
export class BackgroundLoop {
  private running = false;
  private finished: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private wokenDuringStep = false;
  private lingering: NodeJS.Timeout | null = null;
  private readonly lingerMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<boolean>,
    private readonly idleMs: number,
    options: BackgroundLoopOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 0;
    this.logger = options.logger ?? new Logger(name);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.finished = this.run();
  }

  wake(): void {
    if (this.lingerMs <= 0 || !this.running) return this.wakeNow();
    this.lingering ??= setTimeout(() => {
      this.lingering = null;
      this.wakeNow();
    }, this.lingerMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    this.wakeNow();
    await this.finished;
  }

  private wakeNow(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenDuringStep = true;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let busy = false;
      this.wokenDuringStep = false;
      try {
        busy = await this.step();
        if (failures > 0) this.logger.log(`${this.name} recovered after ${failures} failed steps`);
        failures = 0;
      } catch (error) {
        failures += 1;
        const message = `${this.name} failed (${failures} in a row, retrying): ${(error as Error).message}`;
        if (failures === 1) this.logger.warn(message);
        else this.logger.debug(message);
      }
      if (!this.running) break;
      if (failures === 0 && (busy || this.wokenDuringStep)) continue;
      const pause = failures > 0 ? Math.min(200 * 2 ** failures, 5000) : this.idleMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}
