import {
  DynamicModule,
  InjectionToken,
  Module,
  ModuleMetadata,
  OptionalFactoryDependency,
  Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AccessTokenVerifier, assertJwtSecret } from './jwt';

export interface AuthModuleOptions {
  /** AUTH_JWT_SECRET: the HS256 secret, at least 32 characters (checked at startup). */
  jwtSecret: string;
  /** Seconds of tolerance on `exp`/`nbf`; default 30. */
  clockToleranceSeconds?: number;
  /** Injectable clock (tests). */
  now?: () => Date;
}

export interface AuthModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useFactory: (...args: never[]) => AuthModuleOptions | Promise<AuthModuleOptions>;
}

export const AUTH_MODULE_OPTIONS = Symbol('AUTH_MODULE_OPTIONS');

const sharedProviders: Provider[] = [
  {
    provide: AccessTokenVerifier,
    useFactory: (options: AuthModuleOptions) =>
      new AccessTokenVerifier({
        secret: options.jwtSecret,
        clockToleranceSeconds: options.clockToleranceSeconds,
        now: options.now,
      }),
    inject: [AUTH_MODULE_OPTIONS],
  },
  { provide: APP_GUARD, useClass: AuthGuard },
];

/**
 * Import once in the HTTP app's root module. Registers AuthGuard globally
 * (APP_GUARD), so every route needs `@Public()` or `@RequireRole(...)`.
 * Global module: AccessTokenVerifier can be injected anywhere.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    assertJwtSecret(options.jwtSecret);
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_MODULE_OPTIONS, useValue: options }, ...sharedProviders],
      exports: [AUTH_MODULE_OPTIONS, AccessTokenVerifier],
    };
  }

  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: AUTH_MODULE_OPTIONS,
          useFactory: async (...args: never[]) => {
            const resolved = await options.useFactory(...args);
            assertJwtSecret(resolved.jwtSecret);
            return resolved;
          },
          inject: options.inject ?? [],
        },
        ...sharedProviders,
      ],
      exports: [AUTH_MODULE_OPTIONS, AccessTokenVerifier],
    };
  }
}
