import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Sizes of the faults suite. `ci` runs inside `npm test` in a few minutes;
 * `full` is the size (100,000 events, 5 minutes of load), by command.
 */
export interface FaultProfile {
  name: 'ci' | 'full';
  /** Customers and events per customer of the SIGKILL stream (customers x events ~ its size). */
  crashCustomers: number;
  crashEventsPerCustomer: number;
  kills: number;
  /** Each kill comes at random between killAfterMs and killAfterMs + killSpreadMs after the previous (re)start. */
  killAfterMs: number;
  killSpreadMs: number;
  /** Customers of the other streams (infrastructure faults, scale-out, poison, shutdown). */
  streamCustomers: number;
  postgresOutageMs: number;
  loadSeconds: number;
  loadEventsPerSecond: number;
  fuzzRuns: number;
}

const PROFILES: Record<FaultProfile['name'], FaultProfile> = {
  ci: {
    name: 'ci',
    crashCustomers: 150,
    crashEventsPerCustomer: 40,
    kills: 10,
    killAfterMs: 1000,
    killSpreadMs: 2500,
    streamCustomers: 100,
    postgresOutageMs: 10_000,
    loadSeconds: 15,
    loadEventsPerSecond: 2000,
    fuzzRuns: 25,
  },
  full: {
    name: 'full',
    crashCustomers: 2500,
    crashEventsPerCustomer: 40,
    kills: 12,
    killAfterMs: 1500,
    killSpreadMs: 4500,
    streamCustomers: 500,
    postgresOutageMs: 30_000,
    loadSeconds: 300,
    loadEventsPerSecond: 2000,
    fuzzRuns: 200,
  },
};

export const faultProfile = (): FaultProfile => {
  const name = process.env.FAULTS_PROFILE ?? 'ci';
  if (name !== 'ci' && name !== 'full') throw new Error(`FAULTS_PROFILE must be ci or full, not ${name}`);
  return PROFILES[name];
};

/** One line of the summary table that deploy/bin/faults.sh prints. */
export interface FaultRow {
  scenario: string;
  faults: number;
  events: number;
  customers: number;
  mismatches: number;
  lostNotifications: number;
  deadLettered?: number;
  injected?: number;
  requests?: number;
  statusClasses?: Record<string, number>;
  notes?: string;
}

const REPORT = process.env.FAULTS_REPORT ?? join(__dirname, '../../.run/faults/report.jsonl');

/** Appends a row to the report; written before the assertions, so a failing run still shows its figures. */
export function reportFault(row: FaultRow): void {
  mkdirSync(dirname(REPORT), { recursive: true });
  appendFileSync(REPORT, `${JSON.stringify({ ...row, profile: faultProfile().name })}\n`);
}

/** Counts responses by status class (2xx, 4xx...). */
export function countClass(classes: Record<string, number>, status: number): void {
  const name = `${Math.floor(status / 100)}xx`;
  classes[name] = (classes[name] ?? 0) + 1;
}
