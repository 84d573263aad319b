import { Logger } from '@nestjs/common';
import { BackgroundLoop } from './background-loop';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BackgroundLoop', () => {
  const loops: BackgroundLoop[] = [];
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
  });
  const loop = (step: () => Promise<boolean>, idleMs: number, lingerMs = 0) => {
    const l = new BackgroundLoop('test', step, idleMs, { lingerMs });
    loops.push(l);
    return l;
  };

  it('serves wake-ups that arrive within the linger with one step', async () => {
    let steps = 0;
    const l = loop(async () => (steps++, false), 10_000, 30);
    l.start();
    await sleep(20);
    expect(steps).toBe(1);
    for (let i = 0; i < 10; i++) l.wake();
    await sleep(10);
    expect(steps).toBe(1);
    await sleep(60);
    expect(steps).toBe(2);
  });

  it('runs again after a step during which it was woken, instead of sleeping', async () => {
    let steps = 0;
    let release: () => void = () => {};
    // The first step waits to be released; later ones end at once.
    const l = loop(
      () =>
        ++steps === 1
          ? new Promise<boolean>((resolve) => (release = () => resolve(false)))
          : Promise.resolve(false),
      10_000,
    );
    l.start();
    await sleep(10);
    l.wake();
    release();
    await sleep(20);
    expect(steps).toBe(2);
  });

  it('runs again at once while the step finds work, then sleeps', async () => {
    let steps = 0;
    const l = loop(async () => ++steps < 5, 10_000);
    l.start();
    await sleep(30);
    expect(steps).toBe(5);
  });

  it('backs off after a failure rather than spinning', async () => {
    let steps = 0;
    const l = loop(async () => {
      steps++;
      throw new Error('down');
    }, 1);
    l.start();
    await sleep(150);
    expect(steps).toBe(1);
  });

  it('logs the first failure of a run at warn, its repeats at debug, and the recovery once', async () => {
    const lines: string[] = [];
    const logger = {
      warn: (m: string) => lines.push(`warn ${m}`),
      debug: (m: string) => lines.push(`debug ${m}`),
      log: (m: string) => lines.push(`log ${m}`),
    } as unknown as Logger;
    let steps = 0;
    let recovered: () => void = () => {};
    const done = new Promise<void>((resolve) => (recovered = resolve));
    const l = new BackgroundLoop(
      'relay',
      async () => {
        steps += 1;
        if (steps <= 3) throw new Error('connect ECONNREFUSED');
        recovered();
        return false;
      },
      10_000,
      { logger },
    );
    loops.push(l);
    l.start();
    await done;
    await l.stop(); // the step that recovered has returned
    expect(lines).toEqual([
      'warn relay failed (1 in a row, retrying): connect ECONNREFUSED',
      'debug relay failed (2 in a row, retrying): connect ECONNREFUSED',
      'debug relay failed (3 in a row, retrying): connect ECONNREFUSED',
      'log relay recovered after 3 failed steps',
    ]);
  });
});
