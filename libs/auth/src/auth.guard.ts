import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest, IS_PUBLIC_KEY, REQUIRED_ROLES_KEY } from './decorators';
import { AccessTokenVerifier, InvalidTokenError } from './jwt';
import { canAccessCompany, Principal } from './principal';
import { Role, satisfiesAny } from './roles';

const BEARER = /^Bearer +([^\s]+) *$/i;
const SAFE_COMPANY_ID = /^[A-Za-z0-9_-]{1,32}$/;

interface HeaderWritable {
  setHeader?(name: string, value: string): unknown;
}

/** 403 unless the principal may see `companyId`. For company ids that arrive in a body or query. */
export function assertCompanyAccess(principal: Principal, companyId: string): void {
  if (!canAccessCompany(principal, companyId)) {
    throw new ForbiddenException(
      SAFE_COMPANY_ID.test(companyId)
        ? `no access to company ${companyId}`
        : 'no access to the requested company',
    );
  }
}

/**
 * The global guard (registered as APP_GUARD by AuthModule). In order:
 * 1. `@Public()` routes pass without a token.
 * 2. `Authorization: Bearer <jwt>` is required and verified: otherwise 401.
 * 3. The principal is attached to the request (`request.principal`).
 * 4. The route must declare `@RequireRole(...)`; a route without one is DENIED
 *    with 403 (secure by default: forgetting the decorator never opens a route).
 * 5. The caller's roles must satisfy one of the required roles: otherwise 403.
 * 6. If the route has a `:companyId` param, the caller's companies must include
 *    it (or be `*`): otherwise 403.
 * A `@RequireRole` on a handler takes precedence over `@Public()` on its
 * controller; non-HTTP handlers (RPC, WebSocket) are denied unless `@Public()`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly warnedUndeclared = new Set<string>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    const controller = context.getClass();
    const handlerRoles = this.reflector.get<readonly Role[] | undefined>(REQUIRED_ROLES_KEY, handler);
    const classRoles = this.reflector.get<readonly Role[] | undefined>(REQUIRED_ROLES_KEY, controller);
    const handlerPublic = this.reflector.get<boolean | undefined>(IS_PUBLIC_KEY, handler) === true;
    const classPublic = this.reflector.get<boolean | undefined>(IS_PUBLIC_KEY, controller) === true;
    if (!handlerRoles && (handlerPublic || (classPublic && !classRoles))) return true;

    if (context.getType() !== 'http') {
      throw new ForbiddenException('only HTTP requests can be authenticated');
    }
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const principal = this.authenticate(request, http.getResponse<HeaderWritable>());
    request.principal = principal;

    const required = handlerRoles ?? classRoles;
    if (!required || required.length === 0) {
      const route = `${controller.name}.${handler.name}`;
      if (!this.warnedUndeclared.has(route)) {
        this.warnedUndeclared.add(route);
        this.logger.warn(`${route} has neither @RequireRole nor @Public: every request is denied`);
      }
      throw new ForbiddenException('access denied: the route declares no required role');
    }
    if (!satisfiesAny(principal.roles, required)) {
      throw new ForbiddenException(`requires role ${required.join(' or ')}`);
    }
    const companyId = request.params?.companyId;
    if (companyId !== undefined) assertCompanyAccess(principal, companyId);
    return true;
  }

  private authenticate(request: AuthenticatedRequest, response: HeaderWritable): Principal {
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) {
      response.setHeader?.('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('missing bearer token');
    }
    const match = BEARER.exec(value);
    if (!match) {
      response.setHeader?.('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException("the Authorization header must be 'Bearer <token>'");
    }
    try {
      return this.verifier.verify(match[1]);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      response.setHeader?.(
        'WWW-Authenticate',
        `Bearer error="invalid_token", error_description="${error.message.replace(/["\\]/g, "'")}"`,
      );
      throw new UnauthorizedException(error.message);
    }
  }
}
