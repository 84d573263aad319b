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
  /** Seconds of tolerance on `exp`/`nbf`/`iat`; default 30. */
  clockToleranceSeconds?: number;
  /** AUTH_JWT_MAX_TTL: longest `exp - iat` accepted; default 24 h. */
  maxTtlSeconds?: number;
  /** AUTH_JWT_ISSUER: required `iss` when set. */
  issuer?: string;
  /** AUTH_JWT_AUDIENCE: required `aud` when set. */
  audience?: string;
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
        maxTtlSeconds: options.maxTtlSeconds,
        issuer: options.issuer,
        audience: options.audience,
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
