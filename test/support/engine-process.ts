import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { IsolatedStack } from './isolated-stack';

const MAIN = join(__dirname, '../../dist/apps/exposure-engine/src/main.js');

/** The engine as a real process (built by `npm run build`), so a test can SIGKILL it. */
export class EngineProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    private readonly stack: IsolatedStack,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  start(): void {
    this.output = '';
    this.child = spawn(process.execPath, [MAIN], {
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
