import { INestApplication } from '@nestjs/common';
import { CrashListener } from '@credit/kafka';
import { endWhenConsumerStops } from './app';

/** An app whose transport hands its crash listener to the test. */
function appWithTransport(close: () => Promise<void>) {
  const listeners: CrashListener[] = [];
  const transport = { on: (_event: 'crash', listener: CrashListener) => listeners.push(listener) };
  const app = { get: () => transport, close: jest.fn(close) } as unknown as INestApplication;
  return {
    app,
    crash: (error: Error, restarting: boolean) => listeners.forEach((l) => l(error, restarting)),
  };
}

describe('an engine whose consumer stops for good', () => {
  it('ends the process with code 1 after closing the app; a consumer kafkajs restarts keeps it', async () => {
    const { app, crash } = appWithTransport(() => Promise.resolve());
    const exits: number[] = [];
    endWhenConsumerStops(app, (code) => exits.push(code));

    crash(new Error('The coordinator is loading'), true);
    await new Promise((r) => setImmediate(r));
    expect(app.close).not.toHaveBeenCalled();
    expect(exits).toEqual([]);

    crash(new RangeError('Maximum call stack size exceeded'), false);
    await new Promise((r) => setImmediate(r));
    expect(app.close).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([1]);
  });

  it('exits even when closing the app hangs', async () => {
    jest.useFakeTimers();
    try {
      const { app, crash } = appWithTransport(() => new Promise<void>(() => undefined));
      const exits: number[] = [];
      endWhenConsumerStops(app, (code) => exits.push(code));
      crash(new TypeError('x is undefined'), false);
      await jest.advanceTimersByTimeAsync(9_000);
      expect(exits).toEqual([]);
      await jest.advanceTimersByTimeAsync(2_000);
      expect(exits).toEqual([1]);
    } finally {
      jest.useRealTimers();
    }
  });
});
