import { createSandbox, Sandbox } from '@credit/sandbox';

/** A test suite's private stack (libs/sandbox), with timings short enough for tests. */
export type IsolatedStack = Sandbox;

export const isolatedStack = (overrides: Record<string, string> = {}): Promise<IsolatedStack> =>
  createSandbox('test', {
    ENGINE_REVIEW_INTERVAL_MS: '200',
    ENGINE_SESSION_TIMEOUT_MS: '6000',
    NOTIFIER_SESSION_TIMEOUT_MS: '6000',
    ...overrides,
  });
