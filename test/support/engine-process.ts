import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { IsolatedStack } from './isolated-stack';

const ENGINE_MAIN = join(__dirname, '../../dist/apps/exposure-engine/src/main.js');
const API_MAIN = join(__dirname, '../../dist/apps/risk-api/src/main.js');
const NOTIFIER_MAIN = join(__dirname, '../../dist/apps/notifier/src/main.js');

/** An app as a real process (built by `npm run build`), so a test can SIGKILL or SIGTERM it. */
export class AppProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    private readonly main: string,
    private readonly stack: IsolatedStack,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  start(): void {
    this.output = '';
    this.child = spawn(process.execPath, [this.main], {
      env: {
        ...process.env,
        ...this.stack.env,
        ENV_FILE: '/nonexistent',
        LOG_LEVEL: 'warn',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.output += d));
    this.child.stderr!.on('data', (d) => (this.output += d));
  }

  get log(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the last run ended: null while it runs. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | null {
    const child = this.child;
    if (!child || (child.exitCode === null && child.signalCode === null)) return null;
    return { code: child.exitCode, signal: child.signalCode };
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  terminate(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

export class EngineProcess extends AppProcess {
  constructor(stack: IsolatedStack, extraEnv: Record<string, string> = {}) {
    super(ENGINE_MAIN, stack, extraEnv);
  }
}

/** The risk API as a process; give it an API_PORT. */
export class ApiProcess extends AppProcess {
  constructor(stack: IsolatedStack, extraEnv: Record<string, string> = {}) {
    super(API_MAIN, stack, extraEnv);
  }
}

/** The notifier as a process (health on NOTIFIER_HEALTH_PORT, 0 in a sandbox). */
export class NotifierProcess extends AppProcess {
  constructor(stack: IsolatedStack, extraEnv: Record<string, string> = {}) {
    super(NOTIFIER_MAIN, stack, extraEnv);
  }
}
