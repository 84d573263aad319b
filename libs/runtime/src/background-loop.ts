import { Logger } from '@nestjs/common';

/**
 * A loop that runs `step` until stopped. A step returns true when it found work
 * (run again at once) and false when idle (sleep, unless woken). Errors are
 * logged and retried with a back-off, so a dependency that is down only delays.
 */
export class BackgroundLoop {
  private running = false;
  private finished: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<boolean>,
    private readonly idleMs: number,
    private readonly logger = new Logger(name),
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.finished = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.finished;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let busy = false;
      try {
        busy = await this.step();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.warn(`${this.name} failed (${failures} in a row): ${(error as Error).message}`);
      }
      if (busy && this.running) continue;
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
