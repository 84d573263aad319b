import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EngineSettings } from '@credit/config';
import { Clock } from '@credit/domain';
import { mintToken, Role } from '@credit/auth';
import { createEngineApp, startEngineApp } from '../../apps/exposure-engine/src/app';
import { NotifierModule } from '../../apps/notifier/src/notifier.module';
import { createApiApp } from '../../apps/risk-api/src/app';
import { IsolatedStack } from './isolated-stack';

/** A clock a test can move. */
export class TestClock implements Clock {
  constructor(private instant: Date) {}
  now = () => this.instant;
  set(iso: string) {
    this.instant = new Date(iso);
  }
}

/** The engine in this process; `role` as ENGINE_ROLE (default all: it folds and projects). */
export async function startEngine(
  stack: IsolatedStack,
  clock: Clock,
  role: EngineSettings['role'] = stack.engine.role,
): Promise<INestApplication> {
  const settings = { ...stack.engine, role };
  const app = await createEngineApp({ settings, clock }, ['error', 'warn']);
  await startEngineApp(app);
  return app;
}

export async function startApi(stack: IsolatedStack): Promise<INestApplication> {
  const app = await createApiApp(stack.api, ['error']);
  await app.init();
  return app;
}

/** The notifier in this process: intake of the output topics, dispatcher, outcome relay. */
export async function startNotifier(stack: IsolatedStack, clock?: Clock): Promise<INestApplication> {
  const app = await NestFactory.create(NotifierModule.forRoot({ settings: stack.notifier, clock }), {
    logger: ['error', 'warn'],
  });
  await app.init();
  return app;
}

export const tokenFor = (stack: IsolatedStack, roles: Role[], companies: string[] | '*', sub = 'tester') =>
  mintToken({ sub, roles, companies, ttlSeconds: 600, secret: stack.api.jwtSecret });
