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
});
