import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EngineSettings } from '@credit/config';
import { Clock } from '@credit/domain';
import { mintToken, Role } from '@credit/auth';
import { EngineModule } from '../../apps/exposure-engine/src/engine.module';
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
  const app = await NestFactory.create(EngineModule.forRoot({ settings, clock }), {
    logger: ['error', 'warn'],
  });
  await app.init();
  return app;
}

export async function startApi(stack: IsolatedStack): Promise<INestApplication> {
  const app = await createApiApp(stack.api, ['error']);
  await app.init();
  return app;
}

export const tokenFor = (stack: IsolatedStack, roles: Role[], companies: string[] | '*', sub = 'tester') =>
  mintToken({ sub, roles, companies, ttlSeconds: 600, secret: stack.api.jwtSecret });
