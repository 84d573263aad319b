import { parseArgs } from 'node:util';
import { isBusinessDate } from '@credit/domain';
import { PATTERNS } from '@credit/contracts';
import { DEFAULT_EVENTS_PER_CUSTOMER } from './scenario';

export const USAGE = [
  'usage:',
  '  erp-simulator --demo [--demo-seconds 20]',
  '      the live demo: 5 customers of IT01 over ~20 s, one line per event, then a summary;',
  '      when AUTH_JWT_SECRET is set, first prints tokens for a viewer, an approver and a credit manager,',
  '      seeds approval role demo-releaser through the risk API, and says how to release the held order',
  '  erp-simulator --customers N [--seed S] [--companies IT01,DE01] [--events-per-customer K]',
  '                [--rate EPS] [--start-date YYYY-MM-DD] [--dry-run]',
  '      a generated scenario: N customers per company, K events each (default ' +
    `${DEFAULT_EVENTS_PER_CUSTOMER}), seed S (default 1);`,
  '      --rate: events per second, 0 = as fast as possible in batches of 500 (default 0);',
  '      --start-date: first day of the histories (default 180 days ago);',
  '      --dry-run: generate and print the counts per topic, send nothing',
  '',
  'Kafka brokers and topic names come from the environment (KAFKA_BROKERS, TOPIC_*), as for the engine;',
  'missing topics are created first. Exit codes: 0 done, 1 Kafka or runtime error, 2 usage or configuration.',
].join('\n');

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'demo'; seconds: number }
  | {
      kind: 'generate';
      seed: number;
      companies: string[];
      customers: number;
      eventsPerCustomer: number;
      /** Events per second; 0 = as fast as possible. */
      rate: number;
      /** null: 180 days before today. */
      startDate: string | null;
      dryRun: boolean;
    };

function wholeNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return value;
}

export function parseCli(argv: readonly string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean' },
        'demo-seconds': { type: 'string' },
        customers: { type: 'string' },
        seed: { type: 'string' },
        companies: { type: 'string' },
        'events-per-customer': { type: 'string' },
        rate: { type: 'string' },
        'start-date': { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string) => values[name] as string | undefined;
  if (values.help) return { kind: 'help' };

  const generateOnly = [
    'customers',
    'seed',
    'companies',
    'events-per-customer',
    'rate',
    'start-date',
    'dry-run',
  ];
  if (values.demo) {
    const mixed = generateOnly.filter((name) => values[name] !== undefined);
    if (mixed.length > 0) {
      throw new UsageError(`--demo cannot be combined with ${mixed.map((name) => `--${name}`).join(', ')}`);
    }
    return { kind: 'demo', seconds: wholeNumber('demo-seconds', text('demo-seconds'), 20, 1, 3600) };
  }
  if (values['demo-seconds'] !== undefined) throw new UsageError('--demo-seconds needs --demo');
  if (text('customers') === undefined)
    throw new UsageError('say --demo, or --customers N for a generated scenario');

  const companies = (text('companies') ?? 'IT01')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const companyPattern = new RegExp(PATTERNS.companyId);
  if (companies.length === 0) throw new UsageError('--companies must list company ids, e.g. IT01,DE01');
  const bad = companies.filter((c) => !companyPattern.test(c));
  if (bad.length > 0)
    throw new UsageError(`--companies: "${bad.join('", "')}" must match ${PATTERNS.companyId}`);
  if (new Set(companies).size !== companies.length) throw new UsageError('--companies lists a company twice');

  const rateText = text('rate');
  let rate = 0;
  if (rateText !== undefined) {
    rate = Number(rateText);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(rateText) || !Number.isFinite(rate) || rate > 1_000_000) {
      throw new UsageError(
        `--rate must be events per second from 0 (as fast as possible) to 1000000 (got "${rateText}")`,
      );
    }
  }
  const startDate = text('start-date') ?? null;
  if (startDate !== null && !isBusinessDate(startDate)) {
    throw new UsageError(`--start-date must be a date YYYY-MM-DD (got "${startDate}")`);
  }
  return {
    kind: 'generate',
    customers: wholeNumber('customers', text('customers'), 0, 1, 10_000_000),
    seed: wholeNumber('seed', text('seed'), 1, 0, 4_294_967_295),
    companies,
    eventsPerCustomer: wholeNumber(
      'events-per-customer',
      text('events-per-customer'),
      DEFAULT_EVENTS_PER_CUSTOMER,
      1,
      100_000,
    ),
    rate,
    startDate,
    dryRun: values['dry-run'] === true,
  };
}
