import { OutboundMessage } from '@credit/kafka';
import { parseCli, UsageError } from './cli';
import { probeBrokers, KafkaProblem, sendPaced } from './send';

describe('parseCli', () => {
  it('reads the demo', () => {
    expect(parseCli(['--demo'])).toEqual({ kind: 'demo', seconds: 20 });
    expect(parseCli(['--demo', '--demo-seconds', '5'])).toEqual({ kind: 'demo', seconds: 5 });
  });

  it('reads a generated scenario with defaults', () => {
    expect(parseCli(['--customers', '100', '--seed', '7'])).toEqual({
      kind: 'generate',
      customers: 100,
      seed: 7,
      companies: ['IT01'],
      eventsPerCustomer: 40,
      rate: 0,
      startDate: null,
      dryRun: false,
    });
    expect(
      parseCli([
        '--customers=3',
        '--companies',
        'IT01, DE01',
        '--events-per-customer',
        '12',
        '--rate',
        '250.5',
        '--start-date',
        '2026-01-01',
        '--dry-run',
      ]),
    ).toMatchObject({
      customers: 3,
      seed: 1,
      companies: ['IT01', 'DE01'],
      eventsPerCustomer: 12,
      rate: 250.5,
      startDate: '2026-01-01',
      dryRun: true,
    });
    expect(parseCli(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], /--demo, or --customers/],
    [['--demo', '--customers', '3'], /cannot be combined with --customers/],
    [['--customers', '0'], /--customers must be a whole number from 1/],
    [['--customers', '2x'], /--customers/],
    [['--customers', '2', '--seed', '-1'], /--seed/],
    [['--customers', '2', '--rate', 'fast'], /--rate/],
    [['--customers', '2', '--companies', 'IT 01'], /--companies: "IT 01"/],
    [['--customers', '2', '--companies', 'IT01,IT01'], /twice/],
    [['--customers', '2', '--start-date', '2026-13-01'], /--start-date/],
    [['--demo-seconds', '3'], /needs --demo/],
    [['--bogus'], /bogus/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe('sendPaced', () => {
  const messages: OutboundMessage[] = Array.from({ length: 1234 }, (_, i) => ({
    topic: i % 3 === 0 ? 'erp.documents' : 'erp.journal-entries',
    key: 'IT01:C1',
    value: String(i),
  }));

  it('sends everything in order in batches of 500 when the rate is 0', async () => {
    const batches: OutboundMessage[][] = [];
    const report = await sendPaced(messages, async (b) => void batches.push(b), { rate: 0 });
    expect(batches.map((b) => b.length)).toEqual([500, 500, 234]);
    expect(batches.flat()).toEqual(messages);
    expect(report.sent).toBe(1234);
    expect(report.byTopic.get('erp.documents')).toBe(412);
    expect(report.byTopic.get('erp.journal-entries')).toBe(822);
  });

  it('holds the rate: batches of a tenth of a second, waiting on the clock', async () => {
    let clock = 0;
    const sends: Array<{ at: number; size: number }> = [];
    const report = await sendPaced(
      messages.slice(0, 1000),
      async (b) => void sends.push({ at: clock, size: b.length }),
      {
        rate: 200,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
    );
    expect(sends.every((s) => s.size === 20)).toBe(true);
    expect(sends).toHaveLength(50);
    expect(sends[1].at).toBe(100);
    expect(report.elapsedMs).toBe(4900);
  });

  it('stops early when asked', async () => {
    let calls = 0;
    const report = await sendPaced(messages, async () => void calls++, {
      rate: 0,
      keepGoing: () => calls < 1,
    });
    expect(report.sent).toBe(500);
  });
});

describe('probeBrokers', () => {
  it('names the brokers when none answers', async () => {
    // Port 1 on localhost: refused at once on any normal machine.
    await expect(probeBrokers(['127.0.0.1:1'], 500)).rejects.toThrow(KafkaProblem);
    await expect(probeBrokers(['127.0.0.1:1'], 500)).rejects.toThrow(
      /Kafka is not reachable at 127\.0\.0\.1:1/,
    );
  });
});
